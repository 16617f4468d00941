// The UI's sign-in to one gateway (docs/security.md): client credentials through
// POST /auth/authorize, or a pasted access token. It hands the typed client a token provider,
// refreshes the access token before it expires (refresh tokens are single-use: each refresh keeps
// the new one), revokes on sign-out, and keeps the session in sessionStorage so a reload keeps it
// (the tab's storage only: closing the tab signs out).
import { MedkitError, type MedkitClient } from '@medkit/client';
import { readClaims, type Role } from './jwt';
import { readStoredSession, sessionKey, type KeyValueStore, type StoredSession as Stored } from './stored-session';

export interface SessionState {
  signedIn: boolean;
  /** How the token came: client credentials (refreshable) or pasted (used until it expires). */
  via?: 'credentials' | 'token';
  sub?: string;
  role?: Role;
  /** Access token expiry, epoch ms. */
  expMs?: number;
  /** Why the session ended or a refresh failed, for the user. */
  notice?: string;
}

/** Refresh this long before expiry, at most (never sooner than 20 % of the lifetime before it). */
const REFRESH_MARGIN_MS = 60_000;
/** Earliest a scheduled refresh runs (a token about to expire is not refreshed in a tight loop). */
const MIN_REFRESH_DELAY_MS = 5_000;

export class AuthSession {
  private stored: Stored | undefined;
  private notice: string | undefined;
  private refreshing: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly key: string;

  /**
   * @param auth a client without a token, for the /auth routes
   * @param gateway the gateway address ('' = same origin), which keys the stored session
   */
  constructor(
    private readonly auth: MedkitClient,
    gateway: string,
    private readonly storage: KeyValueStore | null,
    private readonly now: () => number = Date.now,
  ) {
    this.key = sessionKey(gateway);
    this.stored = this.load();
    this.schedule();
  }

  state(): SessionState {
    const s = this.stored;
    if (!s) return { signedIn: false, notice: this.notice };
    const c = readClaims(s.access);
    return { signedIn: true, via: s.via, sub: c?.sub, role: c?.role, expMs: c?.expMs, notice: this.notice };
  }

  /** Calls `fn` on every change; returns the unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Client-credentials sign-in. Throws the client's MedkitError (401 invalid_client for a wrong secret). */
  async login(clientId: string, clientSecret: string): Promise<void> {
    const res = await this.auth.request<TokenBody>('POST', '/auth/authorize', { body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } });
    this.accept(res.data, 'credentials');
  }

  /** Signs in with a pasted access token. Throws when it is not a JWT or has expired. */
  useToken(token: string): void {
    const t = token.trim().replace(/^bearer\s+/i, '');
    const c = readClaims(t);
    if (!c) throw new Error('This is not a JWT access token (three base64url parts).');
    if (c.expMs !== undefined && c.expMs <= this.now()) throw new Error('This token has expired.');
    this.set({ access: t, via: 'token' });
  }

  /** Signs out; a refresh token is revoked at the gateway (best effort: the session ends either way). */
  async logout(): Promise<void> {
    const s = this.stored;
    this.set(undefined);
    if (s?.refresh) await this.auth.request('POST', '/auth/revoke', { body: { token: s.refresh, token_type_hint: 'refresh_token' } }).catch(() => undefined);
  }

  /** The typed client's token provider: the access token, refreshed first when it is about to expire. */
  readonly token = async (): Promise<string | undefined> => {
    const s = this.stored;
    if (!s) return undefined;
    const exp = readClaims(s.access)?.expMs;
    if (exp !== undefined && exp - this.now() < MIN_REFRESH_DELAY_MS) {
      if (s.refresh) await this.refresh().catch(() => undefined);
      else {
        this.notice = 'Your token has expired: sign in again.';
        this.set(undefined);
      }
    }
    return this.stored?.access;
  };

  /** Spends the refresh token for a new pair (one refresh at a time: the token is single-use). */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
  }

  private async doRefresh(): Promise<void> {
    const s = this.stored;
    if (!s?.refresh) return;
    try {
      const res = await this.auth.request<TokenBody>('POST', '/auth/token', { body: { grant_type: 'refresh_token', refresh_token: s.refresh } });
      this.accept(res.data, 'credentials');
    } catch (err) {
      // A refused refresh (revoked, expired, spent) ends the session; a network failure keeps it for a retry.
      if (err instanceof MedkitError && err.status >= 400 && err.status < 500) {
        this.notice = `Your session ended (${err.describe()}): sign in again.`;
        this.set(undefined);
      } else {
        this.schedule(MIN_REFRESH_DELAY_MS * 2);
      }
      throw err;
    }
  }

  private accept(body: TokenBody | undefined, via: 'credentials'): void {
    if (!body || typeof body.access_token !== 'string' || !readClaims(body.access_token)) throw new Error('The gateway answered without an access token.');
    this.notice = undefined;
    this.set({ access: body.access_token, refresh: typeof body.refresh_token === 'string' ? body.refresh_token : undefined, via });
  }

  private set(s: Stored | undefined): void {
    this.stored = s;
    try {
      if (s) this.storage?.setItem(this.key, JSON.stringify(s));
      else this.storage?.removeItem(this.key);
    } catch {
      // Storage full or denied: the session lives in memory only.
    }
    this.schedule();
    for (const fn of [...this.listeners]) fn();
  }

  /** Plans the next refresh (or the expiry of a pasted token) from the access token's `exp`. */
  private schedule(delayMs?: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.stored;
    if (!s) return;
    const exp = readClaims(s.access)?.expMs;
    if (exp === undefined) return;
    const left = exp - this.now();
    // A pasted token cannot be refreshed: the timer ends the session when it expires.
    const margin = s.refresh ? Math.min(REFRESH_MARGIN_MS, Math.max(0, left * 0.2)) : 0;
    const wait = delayMs ?? Math.max(s.refresh ? MIN_REFRESH_DELAY_MS : 0, left - margin);
    // Timers beyond 2^31 ms fire at once; a day is far enough to plan again.
    this.timer = setTimeout(() => void this.onTimer(), Math.min(wait, 86_400_000));
  }

  private async onTimer(): Promise<void> {
    const s = this.stored;
    if (!s) return;
    if (s.refresh) await this.refresh().catch(() => undefined);
    else await this.token();
  }

  private load(): Stored | undefined {
    return readStoredSession(this.storage, this.key);
  }
}

/** The token answer of /auth/authorize and /auth/token (docs/security.md). */
interface TokenBody {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  scope?: unknown;
}
