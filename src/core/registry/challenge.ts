/**
 * `WWW-Authenticate` challenges of a registry (RFC 7235 syntax): `Basic realm="…"` or
 * `Bearer realm="https://auth…/token",service="registry",scope="repository:x:pull"`. The bearer flow
 * asks the realm for a token with the service and the scopes the request needs.
 */
export interface Challenge {
  /** Lower case: `basic`, `bearer`. */
  scheme: string;
  params: Record<string, string>;
}

/** Every challenge in one header value (several may be comma-separated). */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipSpace = (): void => {
    while (i < s.length && /[\s,]/.test(s[i] as string)) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i] as string)) i++;
    return s.slice(start, i);
  };
  skipSpace();
  while (i < s.length) {
    const scheme = readToken();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    while (true) {
      while (i < s.length && /\s/.test(s[i] as string)) i++;
      const save = i;
      const name = readToken();
      while (i < s.length && /\s/.test(s[i] as string)) i++;
      if (!name || s[i] !== '=') {
        // Not a parameter: the next challenge's scheme (or the end).
        i = save;
        break;
      }
      i++;
      while (i < s.length && /\s/.test(s[i] as string)) i++;
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        value = readToken();
      }
      challenge.params[name.toLowerCase()] = value;
      while (i < s.length && /\s/.test(s[i] as string)) i++;
      if (s[i] === ',') i++;
    }
    skipSpace();
  }
  return out;
}

/** Scope strings for the token endpoint: pull on the source, pull+push on the target. */
export function repositoryScope(repository: string, actions: readonly ('pull' | 'push')[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/** The token URL for a bearer challenge, or undefined when the challenge names no realm. */
export function tokenUrl(challenge: Challenge, scopes: readonly string[]): string | undefined {
  const realm = challenge.params.realm;
  if (!realm) return undefined;
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return url.toString();
}
