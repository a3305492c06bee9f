// Types of losslab.mjs: the lab as an ES module (mount) and the JavaScript API of its core
// (run, check, presets, events, sweep). Names are those of `losslab run --json` / `check --json`.
//
// Values cross through serde-wasm-bindgen both ways. In a scenario object, options or a sweep grid,
// `undefined` and `null` mean "absent" (the default); integers are safe-integer Numbers
// (|n| ≤ Number.MAX_SAFE_INTEGER = 2^53 − 1) or BigInts, and an integral Number beyond 2^53 − 1 is
// refused (LosslabError naming the field: JavaScript has already rounded it; write it as a
// BigInt, `2n ** 60n`). Out, seeds are Numbers up to 2^53 − 1 and BigInts above (`Seed`), so
// they come back exact; every other integer of a result is a Number (they stay far below 2^53).

/** RocketMQ's SendStatus values, plus the lab's EXCEPTION (the producer saw an exception) and
 *  NO_REPLY (ONEWAY, or a send still unanswered when the run ended). */
export type SendStatus =
  | 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE' | 'EXCEPTION' | 'NO_REPLY';

/** What became of a message. */
export type Verdict = 'DELIVERED' | 'DUPLICATED' | 'LOST_AFTER_ACK' | 'LOST_UNACKED' | 'DEAD_LETTERED' | 'UNRESOLVED';

export type Panel = 'log' | 'config' | 'summary' | 'inspector' | 'faults' | 'presets' | 'tour';

export interface MountOptions {
  /** A preset id (see `presets()`). */
  preset?: string;
  /** The RocketMQ release to run the preset under: `"4.7.0"`, `"4.9.8"` or `"5.3.3"` (default: the preset's own). */
  version?: string;
  lang?: 'en' | 'zh';
  /** A shared run: a link body `v1.…` or any URL with `#run=v1.…` (wins over `preset`). */
  run?: string;
  /** A line above the diagram, shown as text. */
  caption?: string;
  /** No configuration editing, no preset switching. */
  lock?: boolean;
  /** Panels to leave out. */
  hide?: Panel[] | string;
  /** Default true: no page chrome. */
  embed?: boolean;
}

/** A duration: a string with a unit (`"250us"`, `"500ms"`, `"5s"`, `"2m"`, `"6h"`) or milliseconds. */
export type Duration = string | number;

export type FaultKind =
  | 'PROCESS_CRASH' | 'POWER_LOSS' | 'DISK_LOST' | 'DISK_SLOW' | 'DISK_STALL'
  | 'SLAVE_DOWN' | 'SLAVE_UP' | 'NETWORK_PARTITION' | 'CONSUMER_CRASH';

/** A seed, 0 to 2^64 − 1, given as a Number (up to 2^53 − 1) or a BigInt. */
export type SeedInput = number | bigint;
/** A seed in a result: a Number up to 2^53 − 1, a BigInt above (`typeof s === 'bigint'`); exact either way. */
export type Seed = number | bigint;

/** A scenario with the TOML file's names (README, "Scenario files"); every key is optional
 *  (`undefined` or `null`: the default). */
/** A RocketMQ release the lab models. */
export type RocketMqVersion = '4.7.0' | '4.9.8' | '5.3.3';

export interface Scenario {
  name?: string;
  /** The RocketMQ release whose behaviour the run follows (default 4.9.8). A key the release does
   *  not have (`inSyncReplicas` under 4.9.8, `slaveTimeout` under 4.7.0) is an error naming it. */
  version?: RocketMqVersion;
  seed?: SeedInput;
  until?: Duration;
  broker?: {
    flushDiskType?: 'SYNC_FLUSH' | 'ASYNC_FLUSH';
    brokerRole?: 'SYNC_MASTER' | 'ASYNC_MASTER';
    syncFlushTimeout?: Duration;
    slaveTimeout?: Duration;
    flushIntervalCommitLog?: Duration;
    flushCommitLogLeastPages?: number;
    flushCommitLogThoroughInterval?: Duration;
    haSlaveFallbehindMax?: number;
    haMaxGapNotInSync?: number;
    haHousekeepingInterval?: Duration;
    haSendHeartbeatInterval?: Duration;
    messageDelayLevel?: string;
    /** 5.x only (5.3.3's defaults: 1, 1, 1, false, false): the put waits for the slave only when inSyncReplicas > 1. */
    totalReplicas?: number;
    inSyncReplicas?: number;
    minInSyncReplicas?: number;
    enableAutoInSyncReplicas?: boolean;
    enableSlaveActingMaster?: boolean;
  };
  disk?: { flushLatency?: Duration; flushLatencyMin?: Duration; flushLatencyMax?: Duration; flushBytesPerMs?: number };
  /** `slaveReadEnable`: 5.x only (default false: the slave refuses every pull). */
  slave?: { enabled?: boolean; replicationLatency?: Duration; flushDiskType?: 'SYNC_FLUSH' | 'ASYNC_FLUSH'; slaveReadEnable?: boolean };
  network?: { latency?: Duration };
  producer?: {
    /** `remoting` (DefaultMQProducer, default) or `grpc` (5.3.3: apache/rocketmq-clients through the proxy). */
    client?: 'remoting' | 'grpc';
    /** gRPC only: attempts per send, 1–100 (default 3). */
    maxAttempts?: number;
    /** gRPC only: each attempt's own deadline (default 3 s). */
    requestTimeout?: Duration;
    sendMode?: 'SYNC' | 'ASYNC' | 'ONEWAY';
    messages?: number;
    interval?: Duration;
    bodySize?: number;
    sendMsgTimeout?: Duration;
    retryTimesWhenSendFailed?: number;
    retryTimesWhenSendAsyncFailed?: number;
    retryAnotherBrokerWhenNotStoreOK?: boolean;
    onException?: 'LOG' | 'PERSIST_AND_RESEND';
    resendDelay?: Duration;
    resendMaxTimes?: number;
  };
  consumer?: {
    /** `remoting` (DefaultMQPushConsumer, default) or `grpc` (5.3.3: the POP push consumer of apache/rocketmq-clients through the proxy). */
    client?: 'remoting' | 'grpc';
    /** gRPC only: the group's retryMaxTimes (default 16); a message is dead-lettered at its pop after retryMaxTimes + 1 deliveries. */
    retryMaxTimes?: number;
    /** gRPC only: the group's retry policy (default CUSTOMIZED: 1 s, 5 s, 10 s, … from the first entry). */
    groupRetryPolicy?: 'CUSTOMIZED' | 'EXPONENTIAL';
    /** gRPC only: the proxy's invisible time for a received message, 10 s–12 h (default 60 s), renewed while the client holds it. */
    defaultInvisibleTimeMills?: Duration;
    /** gRPC only: the consumption threads (default 20). */
    consumptionThreadCount?: number;
    enabled?: boolean;
    group?: string;
    startAt?: Duration;
    maxReconsumeTimes?: number;
    consumeTime?: Duration;
    failPercent?: number;
    failMessages?: number[];
    failFirstAttempts?: number;
    failWith?: 'RECONSUME_LATER' | 'EXCEPTION';
    dlqConsumer?: boolean;
    persistConsumerOffsetInterval?: Duration;
    pullBatchSize?: number;
    consumeThread?: number;
  };
  /** 5.3.3, between a gRPC client and the broker. */
  proxy?: { proxyMode?: 'CLUSTER' | 'LOCAL' };
  fault?: Array<{
    at: Duration;
    kind: FaultKind;
    target?: 'master' | 'slave' | 'producer' | 'consumer';
    duration?: Duration;
    factor?: number;
  }>;
  /** A guided tour the lab shows above the diagram; never read by the simulator. */
  tour?: {
    question: string;
    question_zh?: string;
    /** The verdict whose count the reader predicts. */
    predict: 'DELIVERED' | 'DUPLICATED' | 'LOST_AFTER_ACK' | 'LOST_UNACKED' | 'DEAD_LETTERED' | 'UNRESOLVED';
    step?: Array<{ at: Duration; text: string; text_zh?: string }>;
  };
}

/** TOML text, a preset id, or a scenario object. */
export type ScenarioInput = string | Scenario;

export interface RunOptions {
  /** Overrides the scenario's seed: a Number up to 2^53 − 1 or a BigInt (an unsafe Number is
   *  refused with field `options.seed`). */
  seed?: SeedInput;
  /** Compute in a Web Worker (losslab-worker.mjs) instead of the page's thread. */
  worker?: boolean;
}

/** The report of `losslab run --json`. */
export interface Report {
  name: string;
  /** The RocketMQ release the run followed. */
  version: RocketMqVersion;
  /** The run's seed, exact: a BigInt above 2^53 − 1. */
  seed: Seed;
  /** Simulated time the run stopped. */
  endedAtMs: number;
  /** Why it stopped: nothing left to do, `until`, or the event limit (then in-flight messages are UNRESOLVED). */
  endedBy: 'NOTHING_PENDING' | 'TIME_LIMIT' | 'EVENT_LIMIT';
  /** SHA-256 of the event-log lines: identifies the run. */
  eventLogDigest: string;
  summary: {
    messages: number;
    sendStatus: Record<SendStatus, number>;
    verdicts: Record<Verdict, number>;
    /** Deliveries from %RETRY%<group>. */
    reconsumes: number;
  };
  /** Send latency as the application saw it, per answer that occurred (`SEND_OK`, …, `EXCEPTION`) and `all`. */
  latency: Record<string, LatencyStats>;
  throughput: {
    /** Sends answered with a SendStatus per second over `windowMs`; null for an empty window. */
    sendTps: number | null;
    /** Successful consumptions per second over `consumeWindowMs`; null for an empty window. */
    consumeTps: number | null;
    /** From the first send to the end of the last one. */
    windowMs: number;
    /** From the first send to the last successful consumption. */
    consumeWindowMs: number;
    sendOk: number;
    sendFailed: number;
  };
  messages: MessageReport[];
  /** Send attempts a 5.x master refused with IN_SYNC_REPLICAS_NOT_ENOUGH (absent when none). */
  inSyncReplicasNotEnough?: number;
  /** Faults that could not apply, each as "at KIND on target: why" (absent when none). */
  faultsNotApplied?: string[];
  /** `"grpc"` when the scenario's `[producer] client = "grpc"` (5.3.3); absent for the remoting producer. */
  producerClient?: 'grpc';
  /** The gRPC producer's outcomes (absent for the remoting producer). */
  grpc?: {
    /** Messages whose last send returned a receipt (counted as SEND_OK in sendStatus). */
    receipts: number;
    /** Messages whose last send threw, by code (`MASTER_PERSISTENCE_TIMEOUT`, `DEADLINE_EXCEEDED`, …). */
    errorCodes: Record<string, number>;
    attempts: number;
    /** Copies the broker stored in TopicTest, one per attempt that reached it. */
    copiesStored: number;
    /** Copies beyond each message's first: the duplicates the client's resends stored. */
    resendDuplicates: number;
  };
  /** `"grpc"` when the scenario's `[consumer] client = "grpc"` (5.3.3, POP through the proxy); absent for the remoting consumer. */
  consumerClient?: 'grpc';
  /** The gRPC consumer's pops (absent for the remoting consumer). */
  pop?: {
    /** Messages the master popped (made invisible) for the group, from every queue. */
    pops: number;
    /** Pops whose ack the master took. */
    acks: number;
    /** Pops whose nack (changeInvisibleDuration with the retry policy's backoff) it took. */
    nacks: number;
    /** Auto-renewals of invisible time by the proxy while the client held a message. */
    renewals: number;
    /** Checkpoints the revive service wrote to %RETRY% (after a nack or an invisible time that ran out). */
    revives: number;
    /** Messages the proxy forwarded to %DLQ%<group> (popped with reconsumeTimes ≥ retryMaxTimes + 1). */
    deadLettered: number;
    /** Checkpoints still open when the run ended. */
    openAtEnd: number;
  };
}

/** Latency figures of a set of sends (the `…Ms` fields are null when `count` is 0). */
export interface LatencyStats {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  meanMs: number | null;
}

/** One pop of a message by the gRPC push consumer (times in ms of simulated time). */
export interface PopReport {
  /** The queue it was popped from: `"TopicTest#2"`, `"%RETRY%"`. */
  queue: string;
  /** Its offset in that queue. */
  queueOffset: number;
  reconsumeTimes: number;
  poppedAtMs: number;
  /** When the receive brought it to the client; null if the client never got it (it died). */
  receivedAtMs: number | null;
  /** The end of its invisible time: the pop + defaultInvisibleTimeMills, moved by each renewal and by a nack (the nack's time + its backoff). */
  invisibleUntilMs: number;
  /** Auto-renewals by the proxy. */
  renewals: number;
  /** The client's answer the master took; null if none arrived in time. */
  answer: 'ACK' | 'NACK' | null;
  answeredAtMs: number | null;
  /** A nack's backoff: the retry policy's delay for this delivery attempt (1 s, 5 s, 10 s, … by default). */
  nackBackoffMs: number | null;
  /** How its checkpoint ended: acked, revived into %RETRY% (reconsumeTimes + 1), the popped copy lost (nothing to revive), or still open at the end; NO_CHECKPOINT: a slave served the pop while the proxy's route had no master, and could not store its checkpoint. */
  end: 'ACKED' | 'REVIVED' | 'COPY_LOST' | 'OPEN' | 'NO_CHECKPOINT';
  endedAtMs: number | null;
}

export interface MessageReport {
  id: number;
  /** The last thing the producer saw. */
  sendStatus: SendStatus;
  verdict: Verdict;
  sendAttempts: number;
  deliveries: number;
  /** That of the last delivery. */
  reconsumeTimes: number;
  /** For lost messages, the chain of events that lost them (for a gRPC duplicate, the resend that stored it again); else null. */
  cause: string | null;
  /** gRPC producer: the code of the exception the application saw; absent for a receipt and for the remoting producer. */
  errorCode?: string;
  /** gRPC producer: the copies of it the broker stored (absent for the remoting producer). */
  copiesStored?: number;
  /** gRPC consumer: each pop of it, in order (absent for the remoting consumer). */
  pops?: PopReport[];
  /** gRPC consumer: when the proxy forwarded it to %DLQ%<group> (absent if it did not, and for the remoting consumer). */
  deadLetteredAtMs?: number;
}

/** A broker.conf line and its key; `didYouMean`: the modelled key a key the lab does not know is probably a misspelling of (`flushDiskTyp` → `flushDiskType`), else null. */
export interface KeyLine { line: number; key: string; didYouMean: string | null }

/** A broker.conf line, its key and what the check says about it. */
export interface KeyNote { line: number; key: string; note: string }

/** `losslab check --json` without `config` (as RocketMQ 4.9.8 unless `options.version` names another). */
export interface CheckReport {
  /** The RocketMQ release the check ran as. */
  version: RocketMqVersion;
  /** What the file configures; only a master's file has fault rows. */
  file: 'MASTER' | 'SLAVE' | 'DLEDGER' | 'CONTROLLER_MODE' | 'CONTROLLER' | 'NAME_SERVER' | 'BROKER_CONTAINER';
  /** What to read first, one sentence each (a 5.x SYNC_MASTER that does not wait, a 5.x slave
   *  that serves no pulls, why there are no fault rows). */
  warnings: string[];
  applied: KeyLine[];
  notModelled: KeyLine[];
  /** Keys this release does not have (RocketMQ ignores them). */
  notInVersion: KeyNote[];
  /** Keys of a mode or process the lab does not model yet (DLedger, controller mode, …). */
  modeKeys: KeyNote[];
  faults: Array<{ preset: string; fault: string; messages: number; lostAfterAck: number; sendOkLost: number }>;
}

/** `check()` as several releases (`losslab check --version 4.9.8,5.3.3 --json` without `config`). */
export interface CheckComparison {
  /** Each release's report, in the order given. */
  reports: CheckReport[];
  /** Each fault row's acknowledged-then-lost count per release: `{ fault, lostAfterAck: { '4.9.8': 0, '5.3.3': 12 } }`. */
  difference: Array<{ fault: string; lostAfterAck: Partial<Record<RocketMqVersion, number>> }>;
}

export interface CheckOptions {
  worker?: boolean;
  /** The release to read the file as (default 4.9.8); several (an array, or comma-separated) give a CheckComparison. */
  version?: RocketMqVersion | RocketMqVersion[] | string;
}

export interface PresetInfo { id: string; title: string; claim: string; toml: string }

/** One entry of the event log. */
export interface LogEvent {
  /** Simulated time in microseconds. */
  atUs: number;
  /** Global order of same-time events. */
  seq: number;
  /** The event's variant, e.g. "SendAnswered". */
  kind: string;
  /** The line of `losslab run --log` (what eventLogDigest hashes). */
  line: string;
  /** The event's fields as the core names them: `{ [kind]: { … } }` (or the kind alone). */
  data: unknown;
}

/** What every function throws for bad input. */
export interface LosslabError extends Error {
  name: 'LosslabError';
  /** Dotted key, e.g. `broker.flushDiskType`, `fault[2].at`, `options.seed`. */
  field: string;
  /** 1-based line in the TOML / broker.conf text, or null (an object has no lines). */
  line: number | null;
  reason: string;
}

export function mount(element: Element, options?: MountOptions): Promise<Element>;
export function run(scenario: ScenarioInput, options?: RunOptions): Promise<Report>;
export function check(brokerConf: string, options?: CheckOptions & { version?: RocketMqVersion }): Promise<CheckReport>;
export function check(brokerConf: string, options: CheckOptions): Promise<CheckReport | CheckComparison>;
export function presets(): Promise<PresetInfo[]>;
export function events(scenario: ScenarioInput, options?: RunOptions): Promise<IterableIterator<LogEvent>>;
/** The sweep's grid (`losslab sweep`): every key optional. */
export interface SweepGrid {
  base?: string; preset?: string;
  flushDiskType?: Array<'SYNC_FLUSH' | 'ASYNC_FLUSH'>;
  brokerRole?: Array<'SYNC_MASTER' | 'ASYNC_MASTER'>;
  sendMode?: Array<'SYNC' | 'ASYNC' | 'ONEWAY'>;
  /** "NONE", "BASE", "KIND" or "KIND@target". */
  faults?: string[];
  faultAt?: Duration; faultJitter?: Duration; faultDuration?: Duration;
  seeds?: number; firstSeed?: SeedInput;
  /** Releases as a grid axis: every cell once per release (each cell then has its `version`). */
  version?: RocketMqVersion[];
}
/** The settings sweep (rmq_sim::sweep): the report of `losslab sweep --json` (cells with their
 *  spreads over seeds, frontiers, the book's recommendation marked). Use { worker: true }.
 *  Its seeds (`grid.firstSeed`, each cell's `failingSeeds`) are `Seed`s: BigInts above 2^53 − 1. */
export function sweep(grid: SweepGrid | string, options?: { worker?: boolean }): Promise<{ cells: unknown[]; [key: string]: unknown }>;
/** The lab's stylesheet rewritten for a shadow root (used by mount). */
export function shadowCss(css: string): string;
