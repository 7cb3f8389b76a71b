// The coverage items in memory, with the store's write condition (the item is still the one written
// at `replacing`), for unit tests of the dispatcher and the worker.
import type { CoverageWriter } from '../../lambdas/adapters/coverage-store';
import type { AccountCoverage } from '../../lambdas/domain/coverage';

/** An in-memory coverage store counting its calls; `stored` is what a real table would hold. */
export function memoryCoverage(stored = new Map<string, AccountCoverage>()) {
  const calls = { loads: 0, puts: 0, lostPuts: 0 };
  const store: CoverageWriter & { loadAll(): Promise<Map<string, AccountCoverage>> } = {
    loadAll: async () => new Map(stored),
    load: async (account) => {
      calls.loads += 1;
      return stored.get(account);
    },
    put: async (coverage, replacing) => {
      if (stored.get(coverage.account)?.writtenAt !== replacing) {
        calls.lostPuts += 1;
        return false;
      }
      calls.puts += 1;
      stored.set(coverage.account, coverage);
      return true;
    },
  };
  return { store, stored, calls };
}
