import { Cluster, Redis, type ClusterOptions, type Command, type RedisOptions } from 'ioredis';
import { StandaloneConnector } from 'ioredis/built/connectors/index.js';
import { defaults } from '../defaults.js';
import { ConnectionError } from '../errors.js';

/** A client Kue can talk through: an ioredis `Redis` or `Cluster`. */
export type RedisClient = Redis | Cluster;

/** One Redis server or sentinel. */
export interface RedisNode {
  /** @default '127.0.0.1' */
  host?: string;
  port: number;
}

/**
 * Where Redis is. Kue's own shapes are accepted unchanged:
 * `{port, host, auth, db, options}`, `{socket, auth}`, a `redis://` / `rediss://` URL, or
 * `{createClientFactory}` returning an ioredis client or Cluster (called once per connection
 * Kue needs: commands, events, and one blocking connection per worker type). Beyond those,
 * `{cluster: [nodes]}` for Redis Cluster and `{sentinels: [nodes], name}` for Sentinel.
 */
export interface RedisConnectionOptions {
  /** @default 6379 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Password (Kue's name). `password` is accepted too. */
  auth?: string;
  password?: string;
  /** ACL user name. */
  username?: string;
  /** Database number to SELECT. */
  db?: number;
  /** Path of a unix domain socket, instead of host and port. */
  socket?: string;
  /** A `redis://` or `rediss://` (TLS) URL, instead of host and port; `options` still apply (e.g. `tls.ca`). */
  url?: string;
  /** Any further ioredis options, passed through. */
  options?: RedisOptions;
  /**
   * Redis Cluster: some of its nodes (the client finds the rest). Every key of a queue
   * carries one hash tag, so each queue lives in one slot and queues spread over the masters.
   * `auth`, `username` and `options` apply to every node.
   */
  cluster?: RedisNode[];
  /** Further ioredis Cluster options (`scaleReads`, `natMap`, ...), with `cluster`. */
  clusterOptions?: Omit<ClusterOptions, 'redisOptions'>;
  /** Sentinel: the sentinels that know the master `name`; Kue follows a failover. */
  sentinels?: RedisNode[];
  /** The master's name at the sentinels, with `sentinels`. */
  name?: string;
  /** Makes each connection Kue needs; when given, every other field is ignored. */
  createClientFactory?: () => RedisClient;
}

export type RedisSetting = string | RedisConnectionOptions;

/** What a connection is for; each role wants different retry behaviour. */
export type ConnectionRole = 'command' | 'subscriber' | 'blocking';

/**
 * A client that reconnects while a restarted Redis still loads its data (AOF, RDB) checks
 * again after Redis' estimate of the time left, a second at least and up to ioredis' default
 * of 10 s: that long, after Redis is ready, workers would take nothing and saves would wait.
 * Checking every 200 ms costs one INFO each time.
 */
const LOADING_RECHECK_MS = 200;

const roleOptions: Record<ConnectionRole, RedisOptions> = {
  // Commands fail after a few reconnection attempts instead of queueing forever, and a
  // command Redis never answers (a half-open connection) fails too: a save while Redis is
  // down reports an error in bounded time.
  command: {
    maxRetriesPerRequest: 3,
    connectTimeout: 5_000,
    commandTimeout: defaults.commandTimeout,
    maxLoadingRetryTime: LOADING_RECHECK_MS,
  },
  subscriber: { maxRetriesPerRequest: null, connectTimeout: 5_000, maxLoadingRetryTime: LOADING_RECHECK_MS },
  blocking: { maxRetriesPerRequest: null, connectTimeout: 5_000, maxLoadingRetryTime: LOADING_RECHECK_MS },
};

/**
 * ioredis listens for its socket's 'error' with `once`: a socket that errs twice (a TLS socket
 * can: a refused certificate, then an alert from the server) would throw the second error as
 * an uncaught exception and end the process. ioredis reports the first; the rest are the same
 * failure, and are dropped here.
 */
class SocketGuardingConnector extends StandaloneConnector {
  // ioredis constructs a Connector from its own options, which are of this shape.
  constructor(options: unknown) {
    super(options as ConstructorParameters<typeof StandaloneConnector>[0]);
  }
  override async connect(
    ...args: Parameters<StandaloneConnector['connect']>
  ): ReturnType<StandaloneConnector['connect']> {
    const socket = await super.connect(...args);
    socket.on('error', ignoreRepeatedSocketError);
    return socket;
  }
}

function ignoreRepeatedSocketError(): void {}

/** Commands whose arguments are credentials. */
const CREDENTIAL_COMMANDS = new Set(['auth', 'hello']);

/**
 * An ioredis client that
 * - writes the commands issued in one tick with one system call: ioredis writes each command
 *   to the socket on its own, and that write (with loopback TCP waking Redis inside it) is
 *   most of the cost of a command; corking the socket until the next tick turns a burst (a
 *   thousand saves, fifty completions) into one `writev`;
 * - turns refused credentials into a ConnectionError holding no secret: ioredis attaches the
 *   failed command, password included, to its error, and rejects every queued command (a
 *   save) with that same error.
 */
class Client extends Redis {
  private corked = false;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    const socket = this.stream;
    if (!this.corked && stream === undefined && this.status === 'ready' && socket?.writable) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    if (CREDENTIAL_COMMANDS.has(command.name)) {
      const reject = command.reject;
      command.reject = (err: Error) => {
        const cause = Object.assign(new Error(err.message), { name: err.name });
        reject(new ConnectionError(`Redis refused the credentials: ${err.message}`, cause));
      };
    }
    return super.sendCommand(command, stream);
  }
}

/** Returns a function making a fresh connection for a role, from the user's setting. */
export function connectionFactory(
  setting: RedisSetting | undefined,
  tuning: { commandTimeout?: number } = {},
): (role: ConnectionRole) => RedisClient {
  if (typeof setting === 'object' && setting.createClientFactory) {
    const factory = setting.createClientFactory;
    return () => factory();
  }
  const s: RedisConnectionOptions = typeof setting === 'string' ? { url: setting } : (setting ?? {});
  const options = (role: ConnectionRole): RedisOptions => {
    const merged: RedisOptions = { ...roleOptions[role], ...s.options };
    if (role === 'command' && tuning.commandTimeout !== undefined) merged.commandTimeout = tuning.commandTimeout;
    // A blocking wait outlasts any command timeout: it would be cut off every time.
    if (role === 'blocking') delete merged.commandTimeout;
    return merged;
  };
  if (s.url) {
    const url = s.url;
    return (role) => new Client(url, { Connector: SocketGuardingConnector, ...options(role) });
  }
  const credentials: RedisOptions = {
    ...((s.auth ?? s.password) ? { password: s.auth ?? s.password } : {}),
    ...(s.username ? { username: s.username } : {}),
  };
  if (s.cluster) {
    const nodes = nodeList('redis.cluster', s.cluster);
    return (role) => new Cluster(nodes, { ...s.clusterOptions, redisOptions: { ...credentials, ...options(role) } });
  }
  if (s.sentinels) {
    const sentinels = nodeList('redis.sentinels', s.sentinels);
    const name = s.name ?? 'mymaster';
    if (typeof name !== 'string' || name === '')
      throw new TypeError("redis.name must be the master's name at the sentinels");
    const db = s.db !== undefined ? { db: s.db } : {};
    // A master demoted by a failover answers writes with READONLY until the client learns
    // the new master: reconnect (asking the sentinels again) and resend the command.
    const reconnectOnError = (err: Error) => (err.message.startsWith('READONLY') ? 2 : false);
    return (role) => new Client({ sentinels, name, reconnectOnError, ...credentials, ...db, ...options(role) });
  }
  const base: RedisOptions = {
    Connector: SocketGuardingConnector,
    ...(s.socket ? { path: s.socket } : { host: s.host ?? '127.0.0.1', port: s.port ?? 6379 }),
    ...credentials,
    ...(s.db !== undefined ? { db: s.db } : {}),
  };
  return (role) => new Client({ ...base, ...options(role) });
}

/** Cluster nodes or sentinels as given by the user, checked: a non-empty list of {host?, port}. */
function nodeList(what: string, value: unknown): Array<{ host: string; port: number }> {
  if (!Array.isArray(value) || value.length === 0)
    throw new TypeError(`${what} must be a non-empty array of {host, port}`);
  return value.map((node: unknown, i) => {
    const { host = '127.0.0.1', port } = (node ?? {}) as { host?: unknown; port?: unknown };
    if (typeof host !== 'string' || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new TypeError(`${what}[${i}] must be {host?: string, port: 1..65535}`);
    }
    return { host, port };
  });
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
