import { accountSelectionOf, accountSelectionText, resolveAccounts } from '../../../lambdas/domain/accounts';

describe('accountSelectionOf', () => {
  it('reads self, organization, and a list split into account ids and parents', () => {
    expect(accountSelectionOf(['self'])).toEqual({ mode: 'self' });
    expect(accountSelectionOf(['organization'])).toEqual({ mode: 'organization' });
    const list = accountSelectionOf(['111111111111', 'ou-ab12-11111111', 'r-ab12']);
    expect(list).toEqual({
      mode: 'list',
      accountIds: ['111111111111'],
      parentIds: ['ou-ab12-11111111', 'r-ab12'],
    });
    expect(accountSelectionText(list)).toBe('111111111111,ou-ab12-11111111,r-ab12');
  });

  it('refuses a bad item and self mixed with ids', () => {
    expect(() => accountSelectionOf(['self', '111111111111'])).toThrow('"self" cannot be combined');
    expect(() => accountSelectionOf(['ou-x'])).toThrow('is not an OU id');
  });
});

describe('resolveAccounts', () => {
  it('watches active accounts, skips the others with their state, leaves excluded ones out, each once in id order', () => {
    const resolved = resolveAccounts(
      [
        { id: '333333333333', name: 'c', state: 'ACTIVE' },
        { id: '111111111111', name: 'a', state: 'ACTIVE' },
        { id: '222222222222', name: 'b', state: 'SUSPENDED' },
        { id: '444444444444', name: 'd', state: 'CLOSED' },
        { id: '555555555555', name: 'e', status: 'PENDING_CLOSURE' },
        { id: '666666666666', name: 'f', state: 'ACTIVE' },
        { id: '111111111111', name: 'a', state: 'ACTIVE' },
      ],
      ['666666666666'],
    );

    expect(resolved.watched).toEqual([
      { id: '111111111111', name: 'a' },
      { id: '333333333333', name: 'c' },
    ]);
    expect(resolved.skipped).toEqual([
      { id: '222222222222', name: 'b', state: 'SUSPENDED' },
      { id: '444444444444', name: 'd', state: 'CLOSED' },
      { id: '555555555555', name: 'e', state: 'PENDING_CLOSURE' },
    ]);
  });

  it('reads State before the retired Status', () => {
    expect(
      resolveAccounts([{ id: '111111111111', state: 'SUSPENDED', status: 'ACTIVE' }], []).watched,
    ).toEqual([]);
  });

  it('reports a named account Organizations did not list as NOT_FOUND, unless excluded', () => {
    expect(resolveAccounts([], ['222222222222'], ['111111111111', '222222222222']).skipped).toEqual([
      { id: '111111111111', state: 'NOT_FOUND' },
    ]);
  });
});
