// Applies a Lambda event-source filter pattern to a stream record, as the event source mapping
// does before it invokes the publisher. Covers the pattern syntax the stack uses: lists of exact
// values, `{ prefix }` and `{ exists }`, nested objects.

type Pattern = { readonly [key: string]: Pattern | readonly unknown[] };

function matchesValue(value: unknown, rules: readonly unknown[]): boolean {
  return rules.some((rule) => {
    if (rule !== null && typeof rule === 'object') {
      if ('exists' in rule) return (value !== undefined) === (rule as { exists: boolean }).exists;
      if ('prefix' in rule)
        return typeof value === 'string' && value.startsWith((rule as { prefix: string }).prefix);
      return false;
    }
    return value === rule;
  });
}

/** True when `event` matches a Lambda filter `pattern`. */
export function matchesFilter(event: unknown, pattern: Pattern): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value =
      event !== null && typeof event === 'object' ? (event as Record<string, unknown>)[key] : undefined;
    return Array.isArray(rule) ? matchesValue(value, rule) : matchesFilter(value, rule as Pattern);
  });
}
