/**
 * A small client of the OCI distribution API (the registry HTTP API v2) on Node's http/https: the
 * few calls an image copy needs, with the registry's auth dance done once per scope and kept.
 *
 * Node's own modules rather than fetch: fetch cannot take a custom CA per request without undici's
 * Agent (not importable from Node 20 without a dependency), and blob uploads stream a download
 * straight into an upload with a known Content-Length.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { apiHost, isLoopbackRegistry, parseChallenges, repositoryScope, tokenUrl, type Challenge, type RegistryCredentials } from '../../core/registry';
import { loadRegistryCredentials } from './credentials';

export interface RegistryOptions {
  /** host[:port] as written in image references. */
  registry: string;
  /** PEM of a CA that signs the registry's certificate (besides the system's). */
  ca?: string | Buffer;
  /** Force plain http; default: only for loopback registries (localhost, 127.x, [::1]) given no CA (a CA means it speaks TLS). */
  plainHttp?: boolean;
  /** Credentials to use; default: the user's Docker config. null: anonymous. */
  credentials?: RegistryCredentials | null;
  /** Docker config file to read credentials from (tests; default $DOCKER_CONFIG or ~/.docker). */
  dockerConfigFile?: string;
}

/** What the user reads when the registry says no: which registry, and what to do about it. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly registry: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  stream: http.IncomingMessage;
}

type Body = Buffer | { stream: Readable; length: number } | undefined;

const TLS_TRUST_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED']);

export async function readBody(res: http.IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new Error(`response larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export class RegistryClient {
  readonly registry: string;
  private readonly base: URL;
  private readonly agent: http.Agent;
  /** Authorization header per scope set: a bearer token is valid only for the scopes it was asked for. */
  private readonly authByScope = new Map<string, string>();
  private credentials?: Promise<RegistryCredentials | undefined>;

  constructor(private readonly options: RegistryOptions) {
    this.registry = options.registry;
    const plain = options.plainHttp ?? (isLoopbackRegistry(options.registry) && !options.ca);
    this.base = new URL(`${plain ? 'http' : 'https'}://${apiHost(options.registry)}`);
    this.agent = plain ? new http.Agent({ keepAlive: true, maxSockets: 4 }) : new https.Agent({ keepAlive: true, maxSockets: 4, ...(options.ca ? { ca: options.ca } : {}) });
  }

  close(): void {
    this.agent.destroy();
  }

  private loadCredentials(): Promise<RegistryCredentials | undefined> {
    if (this.options.credentials !== undefined) return Promise.resolve(this.options.credentials ?? undefined);
    this.credentials ??= loadRegistryCredentials(this.registry, this.options.dockerConfigFile);
    return this.credentials;
  }

  private send(method: string, url: URL, headers: Record<string, string>, body: Body): Promise<http.IncomingMessage> {
    const mod = url.protocol === 'http:' ? http : https;
    const sameHost = url.host === this.base.host;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        url,
        {
          method,
          headers: { ...headers, ...(body ? { 'content-length': String(Buffer.isBuffer(body) ? body.length : body.length) } : {}) },
          // Redirects to blob storage (S3, GCS…) use the default agent: the registry's CA and keep-alive pool are for the registry.
          ...(sameHost ? { agent: this.agent } : {}),
          timeout: 120_000,
        },
        resolve,
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} for 120 s`)));
      req.on('error', (err: NodeJS.ErrnoException) => reject(this.networkError(err)));
      if (!body) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.stream.on('error', (err) => req.destroy(err));
        body.stream.pipe(req);
      }
    });
  }

  private networkError(err: NodeJS.ErrnoException): Error {
    if (err.code && TLS_TRUST_CODES.has(err.code)) {
      return new RegistryError(
        `The TLS certificate of registry ${this.registry} is not trusted (${err.code}): give the CA that signed it (kindling.yaml remotes.<name>.registryCA, a PEM file), or add it to the system's trust store.`,
        this.registry,
      );
    }
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EHOSTUNREACH' || err.code === 'ETIMEDOUT') {
      return new RegistryError(`Cannot reach registry ${this.registry} (${this.base.origin}): ${err.code}. Is it running, and is the address right?`, this.registry);
    }
    if (err instanceof RegistryError) return err;
    return new RegistryError(`Registry ${this.registry}: ${err.message}`, this.registry);
  }

  /** Authorization for these scopes after a 401, from the challenge and the user's credentials. */
  private async authorize(challenge: Challenge, scopes: readonly string[]): Promise<string> {
    const creds = await this.loadCredentials();
    if (challenge.scheme === 'basic') {
      if (creds?.kind !== 'basic') throw this.loginNeeded(creds);
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    if (challenge.scheme !== 'bearer') throw new RegistryError(`Registry ${this.registry} asks for "${challenge.scheme}" authentication, which Kindling does not speak (basic and bearer only).`, this.registry, 401);
    const url = tokenUrl(challenge, scopes);
    if (!url) throw new RegistryError(`Registry ${this.registry} asked for a bearer token without saying where to get one (no realm).`, this.registry, 401);
    const tokenHeaders: Record<string, string> = { accept: 'application/json' };
    let method = 'GET';
    let body: Buffer | undefined;
    if (creds?.kind === 'basic') tokenHeaders.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    if (creds?.kind === 'identity-token') {
      // OAuth2 refresh-token grant of the distribution token spec.
      const u = new URL(url);
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.token, client_id: 'kindling', service: u.searchParams.get('service') ?? '' });
      for (const s of u.searchParams.getAll('scope')) form.append('scope', s);
      method = 'POST';
      body = Buffer.from(form.toString());
      tokenHeaders['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await this.send(method, new URL(url), tokenHeaders, body);
    const text = (await readBody(res, 1024 * 1024)).toString('utf8');
    if (res.statusCode === 401 || res.statusCode === 403) throw this.refused(creds, res.statusCode);
    if ((res.statusCode ?? 0) >= 300) throw new RegistryError(`The token service of registry ${this.registry} (${new URL(url).host}) answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`, this.registry, res.statusCode);
    const json = JSON.parse(text) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw new RegistryError(`The token service of registry ${this.registry} answered without a token.`, this.registry);
    return `Bearer ${token}`;
  }

  private loginNeeded(creds: RegistryCredentials | undefined): RegistryError {
    if (creds) return this.refused(creds, 401);
    return new RegistryError(
      `Registry ${this.registry} needs a login and there are no credentials for it in the Docker config (${this.options.dockerConfigFile ?? '~/.docker/config.json'}): run "docker login ${this.registry}" and promote again.`,
      this.registry,
      401,
    );
  }

  private refused(creds: RegistryCredentials | undefined, status: number | undefined): RegistryError {
    if (!creds) return this.loginNeeded(undefined);
    const user = creds.kind === 'basic' ? ` for user "${creds.username}"` : '';
    return new RegistryError(
      `Registry ${this.registry} refused the credentials${user} from ${creds.from} (HTTP ${status}): run "docker login ${this.registry}" again with an account that may pull and push there.`,
      this.registry,
      status,
    );
  }

  /**
   * One API call. On a 401 the challenge is answered and the call repeated once; a streamed body
   * cannot be sent twice, so callers authorise its scope with an earlier call (the upload's POST).
   */
  async request(method: string, pathAndQuery: string, opts: { scopes: readonly string[]; headers?: Record<string, string>; body?: Body; follow?: boolean }): Promise<Response> {
    const scopeKey = [...opts.scopes].sort().join(' ');
    const url = pathAndQuery.startsWith('http') ? new URL(pathAndQuery) : new URL(pathAndQuery, this.base);
    const headers = { 'user-agent': 'kindling', ...(opts.headers ?? {}) };
    const auth = this.authByScope.get(scopeKey);
    let res = await this.send(method, url, auth ? { ...headers, authorization: auth } : headers, opts.body);
    if (res.statusCode === 401 && (opts.body === undefined || Buffer.isBuffer(opts.body))) {
      await readBody(res).catch(() => undefined);
      const challenge = parseChallenges(String(res.headers['www-authenticate'] ?? ''))[0];
      if (!challenge) throw new RegistryError(`Registry ${this.registry} answered HTTP 401 without saying how to log in (no WWW-Authenticate).`, this.registry, 401);
      const header = await this.authorize(challenge, opts.scopes);
      this.authByScope.set(scopeKey, header);
      res = await this.send(method, url, { ...headers, authorization: header }, opts.body);
      if (res.statusCode === 401) {
        await readBody(res).catch(() => undefined);
        throw this.refused(await this.loadCredentials(), 401);
      }
    }
    if (res.statusCode === 403) {
      const text = (await readBody(res).catch(() => Buffer.alloc(0))).toString('utf8').slice(0, 200);
      const creds = await this.loadCredentials();
      throw new RegistryError(
        `Registry ${this.registry} forbids ${method} ${url.pathname} (HTTP 403${text ? `: ${text.trim()}` : ''})${creds ? ` for the credentials from ${creds.from}` : ''}: the account needs pull (and push on the target) rights on that repository.`,
        this.registry,
        403,
      );
    }
    // Blob GETs may be redirected to storage; a redirect never carries the registry's credentials elsewhere.
    if (opts.follow && [301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && res.headers.location) {
      await readBody(res).catch(() => undefined);
      const next = new URL(res.headers.location, url);
      const keep = next.host === url.host ? this.authByScope.get(scopeKey) : undefined;
      const redirected = await this.send(method, next, keep ? { ...headers, authorization: keep } : headers, undefined);
      return { status: redirected.statusCode ?? 0, headers: redirected.headers, stream: redirected };
    }
    return { status: res.statusCode ?? 0, headers: res.headers, stream: res };
  }

  /** Scopes for reading one repository. */
  static pull(repository: string): string[] {
    return [repositoryScope(repository, ['pull'])];
  }

  /** Scopes for writing one repository (and reading another, for a cross-repository mount). */
  static push(repository: string, mountFrom?: string): string[] {
    return [repositoryScope(repository, ['pull', 'push']), ...(mountFrom && mountFrom !== repository ? [repositoryScope(mountFrom, ['pull'])] : [])];
  }
}

/** The registry's error JSON (`{ errors: [{ code, message }] }`), shortened for a message. */
export async function errorText(res: Response): Promise<string> {
  const text = (await readBody(res.stream).catch(() => Buffer.alloc(0))).toString('utf8');
  try {
    const json = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    if (json.errors?.length) return json.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 200) || `HTTP ${res.status}`;
}
