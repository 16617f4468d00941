// The PKI-DH handshake with one remote participant as a state table (DDS-Security 1.1 §8.3.2.11, §9.3.2.5):
// states × events → the action authentication runs and the states it may leave the peer in. Authentication
// (authentication.ts) looks an event up here; an event a state has no row for is ignored. The participant with
// the smaller GUID prefix initiates (as Fast DDS 2.9.1 does, seen on the wire), the other replies, so a peer's
// role is fixed and its states say which side it is on.

/** Where the handshake with one remote participant stands. */
export type HandshakeState =
  /** Matched without a handshake: it announced no identity token and the governance allows unauthenticated participants. */
  | 'unauthenticated'
  /** Initiator: waiting for a handshake slot (at most maxHandshakes hold key-agreement state at once). */
  | 'queued'
  /** Replier: waiting for its request. */
  | 'waiting-request'
  /** Initiator: our request went out (resent on a backoff), waiting for its reply. */
  | 'awaiting-reply'
  /** Replier: our reply went out (resent on a backoff), waiting for its final. */
  | 'awaiting-final'
  /** The handshake verified it; its permissions are being checked (S/MIME, asynchronously). */
  | 'checking-permissions'
  | 'authenticated'
  /** The handshake timed out with nothing refused on the way (messages lost): tried again at retryAt. */
  | 'timed-out'
  /** Refused: final while the participant stays in the table. */
  | 'failed';

/** What authentication reports (PeerAuthStatus.state): the table's states, coarser. */
export type PeerAuthState = 'queued' | 'waiting-request' | 'handshake' | 'checking-permissions' | 'authenticated' | 'failed';

export const PUBLIC_STATE: Readonly<Record<HandshakeState, PeerAuthState>> = {
  unauthenticated: 'queued',
  queued: 'queued',
  'waiting-request': 'waiting-request',
  'awaiting-reply': 'handshake',
  'awaiting-final': 'handshake',
  'checking-permissions': 'checking-permissions',
  authenticated: 'authenticated',
  'timed-out': 'failed',
  failed: 'failed',
};

export type HandshakeEvent =
  /** Tick: a handshake slot is free. */
  | 'slot-free'
  /** A handshake message of the peer (a request comes only from an initiator, a reply only to one, ...). */
  | 'request'
  | 'reply'
  | 'final'
  /** Tick: our last message is due again. */
  | 'resend-due'
  /** Tick: the handshake took longer than handshakeTimeoutMs. */
  | 'timeout'
  /** Tick: a timed-out handshake's retryAt has come. */
  | 'retry-due'
  /** The permissions check of the peer ended. */
  | 'permissions-valid'
  | 'permissions-refused'
  /** Tick: its certificate or grant ended while authenticated. */
  | 'expired';

/** What authentication does on an event (authentication.ts has one method per action). */
export type HandshakeAction =
  | 'sendRequest'
  | 'answerRequest'
  | 'retryAndAnswer'
  | 'sendFinal'
  | 'finish'
  | 'repeatAnswer'
  | 'resend'
  | 'giveUp'
  | 'retry'
  | 'accept'
  | 'refuse'
  | 'revoke';

interface HandshakeTransition {
  action: HandshakeAction;
  /** The states the action may move the peer to (none: it stays). */
  next: readonly HandshakeState[];
}

export const HANDSHAKE_TABLE: Readonly<Record<HandshakeState, Partial<Record<HandshakeEvent, HandshakeTransition>>>> = {
  unauthenticated: {},
  queued: {
    'slot-free': { action: 'sendRequest', next: ['awaiting-reply'] },
  },
  'waiting-request': {
    // Stays when the request comes within a second of the last one or no slot is free (the initiator resends).
    request: { action: 'answerRequest', next: ['awaiting-final'] },
  },
  'awaiting-reply': {
    reply: { action: 'sendFinal', next: ['checking-permissions'] },
    'resend-due': { action: 'resend', next: [] },
    timeout: { action: 'giveUp', next: ['timed-out', 'failed'] },
  },
  'awaiting-final': {
    // A repeated request gets the same reply again; a new one is answered afresh (its timeout still runs from the first).
    request: { action: 'answerRequest', next: [] },
    final: { action: 'finish', next: ['checking-permissions'] },
    'resend-due': { action: 'resend', next: [] },
    timeout: { action: 'giveUp', next: ['timed-out', 'failed'] },
  },
  'checking-permissions': {
    // Our reply or final was lost: the peer repeats its message and gets the same answer.
    request: { action: 'repeatAnswer', next: [] },
    reply: { action: 'repeatAnswer', next: [] },
    'permissions-valid': { action: 'accept', next: ['authenticated'] },
    'permissions-refused': { action: 'refuse', next: ['failed'] },
  },
  authenticated: {
    request: { action: 'repeatAnswer', next: [] },
    reply: { action: 'repeatAnswer', next: [] },
    expired: { action: 'revoke', next: ['failed'] },
  },
  'timed-out': {
    'retry-due': { action: 'retry', next: ['queued', 'awaiting-reply', 'waiting-request'] },
    // The peer's new request is its retry, taken afresh.
    request: { action: 'retryAndAnswer', next: ['waiting-request', 'awaiting-final'] },
  },
  failed: {
    // Our final was lost (its permissions were refused, or it was revoked, after the handshake).
    reply: { action: 'repeatAnswer', next: [] },
  },
};
