//! The UI's words in English and Simplified Chinese, side by side, in one place.
//!
//! Each [`Key`] is declared with both texts in one `catalogue!` line, so a key without a
//! translation does not compile. Texts with blanks use `{0}`, `{1}` … filled by [`tf`].
//! RocketMQ's identifiers (`SEND_OK`, `SYNC_FLUSH`, `%DLQ%`, `PROCESS_CRASH` …) stay as they are in
//! both languages. Sentences about the model (causes, verdict and status meanings) are the core's
//! own (`rmq_sim::text`), not repeated here. The Chinese reuses the seed note's vocabulary
//! (同步刷盘/异步刷盘, 主从同步/异步复制, 页缓存, 断电, 宕机, 死信队列, 重试 …).
//!
//! The language is chosen by [`negotiate`]: `?lang=` in the URL, else the browser's languages,
//! else English. Components read it from a Yew context (`use_context::<Lang>()`).
//!
//! One language per page (issue 23): the lab module carries only the English. The Chinese column
//! (and [`PRESETS_ZH`]) is compiled into native builds and the extras module ([`builtin_zh`], which
//! nothing in the lab module calls, so its link step drops the text), and shipped to the lab as a
//! data file, `www/losslab-zh.txt` ([`zh_file_text`], checked against this catalogue by a test),
//! which `crate::lang_load` fetches when a page starts in Chinese or the reader switches to it.
//! Until it is installed ([`install_zh`]) a Chinese lookup answers the English. The same file carries
//! the core's Chinese sentences (causes, verdicts, statuses, the replication line: `rmq_sim::text`'s
//! templates, [`rmq_sim::text::builtin_zh`]), installed into the core with the UI's.

pub use rmq_sim::text::Lang;

macro_rules! catalogue {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        /// A piece of UI text. Its English and Chinese are declared together in `catalogue!`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key { $($key),* }

        impl Key {
            /// Every key, for the catalogue's own tests.
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }

        /// The English of `k` (the lab module's own text).
        fn en(k: Key) -> &'static str {
            match k { $(Key::$key => $en),* }
        }

        /// The Chinese of `k` as compiled in. Only native builds, the extras module and tests
        /// reach this; the lab module reads the Chinese from `losslab-zh.txt` instead.
        fn zh_compiled(k: Key) -> &'static str {
            match k { $(Key::$key => $zh),* }
        }
    };
}

catalogue! {
    // Sharing and embedding.
    ShareRegion => "Share this run", "分享这次运行";
    CopyLink => "Copy link", "复制链接";
    CopyLinkTitle => "Copy a link that reproduces this run: scenario, seed, faults, playhead", "复制一个能重现这次运行的链接：场景、种子、故障和播放位置";
    EmbedButton => "</> Embed", "</> 嵌入";
    EmbedPanels => "Beside the picture and its controls, include:", "除了图和播放控件，还包括：";
    EmbedTitle => "An iframe snippet for documentation pages", "生成可放进文档页面的 iframe 代码";
    Copied => "Copied.", "已复制。";
    PressCopy => "Press Ctrl+C (⌘C) to copy the selected text.", "请按 Ctrl+C（⌘C）复制选中的文字。";
    LinkField => "Link to this run", "这次运行的链接";
    SnippetField => "Embed snippet (HTML)", "嵌入代码（HTML）";
    CopySnippet => "Copy snippet", "复制代码";
    BannerCannotOpen => "This link could not be opened. ", "无法打开这个链接。";
    BannerDefault => " Showing the default scenario instead.", "现在显示的是默认场景。";
    LinkModelOlder => "This link was made with an earlier version of the lab's model. The model has changed since, so this run may differ from the one the link's author saw.", "这个链接是用较早版本的模拟模型生成的。模型此后有所改动，所以这次运行可能与链接作者当时看到的不同。";
    LinkModelNewer => "This link was made with a newer version of the lab's model than this one, so this run may differ from the one the link's author saw.", "这个链接是用比本实验室更新的模拟模型生成的，所以这次运行可能与链接作者当时看到的不同。";
    Dismiss => "Dismiss", "关闭";
    DismissLabel => "Dismiss this message", "关闭这条提示";
    // The page.
    DocTitle => "losslab — RocketMQ message-loss lab", "losslab — RocketMQ 消息丢失实验室";
    Tagline => "RocketMQ {0} message-loss lab", "RocketMQ {0} 消息丢失实验室";
    // The version selector beside the presets.
    VersionLabel => "RocketMQ version", "RocketMQ 版本";
    VersionHelp => "Re-runs this scenario under the chosen release, keeping your edits.", "在所选版本下重新运行当前场景，保留你的修改。";
    VersionNotSwitched => "Still running {0}, not switched to {1}: ", "仍在运行 {0}，未切换到 {1}：";
    VersionFixHint => "Fix or remove that key in the configuration below, or pick the previous version again.", "请在下方配置中修改或删除该项，或重新选回原来的版本。";
    LangGroup => "Language", "界面语言";
    LangEnTitle => "English", "英文（English）";
    LangZhTitle => "Simplified Chinese (简体中文)", "简体中文";
    ClaimPrefix => "Claim: ", "要验证的说法：";
    HelpButton => "Keyboard shortcuts (?)", "键盘快捷键（?）";
    SkipToControls => "Skip to the time controls", "跳到时间控制";
    // Legend.
    Legend => "Legend", "图例";
    LegendMemory => "only in page cache (dashed)", "只在页缓存中（虚线）";
    LegendDurable => "on disk (solid)", "已刷盘（实线）";
    LegendReplicated => "on the slave too (double ring)", "从节点也有（双圈）";
    LegendConsumed => "consumed", "消费成功";
    LegendDlq => "dead-lettered", "进入死信队列";
    LegendLost => "lost (ghost)", "丢失（幽灵）";
    // Time controls.
    TimeRegion => "Time", "时间";
    SimTime => "simulated time", "模拟时间";
    OfEnd => "of {0}", "共 {0}";
    Back => "◀ Back", "◀ 后退";
    BackTitle => "Step back to the previous event (replays from the seed) — ← or ,", "退回上一个事件（从种子重放）— ← 或 ,";
    Play => "▶ Play", "▶ 播放";
    Pause => "‖ Pause", "‖ 暂停";
    PlayTitle => "Play or pause — Space or K", "播放或暂停 — 空格或 K";
    Step => "Step ▶", "前进 ▶";
    StepTitle => "Step to the next event — → or .", "前进到下一个事件 — → 或 .";
    Speed => "speed ", "速度 ";
    SpeedLabel => "Playback speed (+ / −)", "播放速度（+ / −）";
    ScrubLabel => "Scrub simulated time (ms)", "拖动模拟时间（毫秒）";
    FaultMark => "{0} at {1}", "{1} 时{0}";
    // Fault targets, for fault marks and narration.
    TargetMaster => "master", "主节点";
    TargetFirstMaster => "first master", "最初的主节点";
    TargetController => "controller", "控制器";
    TargetSlave => "slave", "从节点";
    TargetSlave2 => "second slave", "第二个从节点";
    TargetProducer => "producer", "生产者";
    TargetConsumer => "consumer", "消费者";
    // Faults.
    FaultsRegion => "Faults", "故障";
    FaultsHeading => "Inject a fault at the playhead", "在播放头处注入故障";
    FaultLasts => "lasts / restarts after ", "持续时间 / 多久后重启 ";
    FaultDurationLabel => "Fault duration", "故障持续时间";
    Dur10 => "10 s", "10 秒";
    Dur30 => "30 s", "30 秒";
    DurRest => "rest of the run", "直到运行结束";
    FaultKill => "Kill master process", "杀死主节点进程";
    FaultKillHelp => "kill -9: the OS keeps the page cache and writes it back", "kill -9：操作系统还在，页缓存会被写回磁盘";
    FaultPower => "Cut master power", "主节点断电";
    FaultPowerHelp => "the page cache is gone: unflushed bytes are lost", "页缓存随之消失：尚未刷盘的数据丢失";
    FaultDisk => "Destroy master disk", "损毁主节点磁盘";
    FaultDiskHelp => "the commit log is gone, flushed or not", "CommitLog 全部丢失，无论是否已刷盘";
    FaultSlow => "Slow master disk ×10", "主节点磁盘变慢 ×10";
    FaultSlowHelp => "flushes take ten times longer", "刷盘耗时变为十倍";
    FaultStall => "Stall master disk", "主节点磁盘停滞";
    FaultStallHelp => "no flush completes", "刷盘一直完不成";
    FaultSlaveStop => "Stop slave", "停止从节点";
    FaultSlaveStopHelp => "clean stop: the master loses its slave at once", "正常停止：主节点立即失去从节点";
    FaultSlaveStart => "Start slave", "启动从节点";
    FaultSlaveStartHelp => "the slave comes back and catches up", "从节点恢复并追上主节点";
    FaultPartSlave => "Partition slave", "隔离从节点网络";
    FaultPartSlaveHelp => "master↔slave packets are dropped", "主从之间的网络包全部丢弃";
    FaultPartProducer => "Partition producer", "隔离生产者网络";
    FaultPartProducerHelp => "producer↔master packets are dropped", "生产者与主节点之间的网络包全部丢弃";
    FaultConsumer => "Crash consumer", "消费者宕机";
    FaultConsumerHelp => "in-process messages are dropped; it restarts from the stored offsets", "正在处理的消息作废；重启后从已提交的消费位点继续";
    // Controller mode and three replicas (issue 20): the node that started as master, the second
    // slave and the controller.
    FaultNowMaster => "hits whoever is master now (broker {0})", "作用于当前的主节点（broker {0}）";
    FaultFirstKill => "Kill first master (broker 0)", "杀死最初的主节点（broker 0）";
    FaultFirstKillHelp => "kill -9 of broker 0, the node that started as master, whatever its role now (after a failover it is a slave)", "kill -9 broker 0，即最初的主节点，不论它现在的角色（故障切换后它是从节点）";
    FaultFirstPower => "Cut first master power", "最初的主节点断电";
    FaultFirstPowerHelp => "broker 0, the node that started as master, loses power whatever its role now: its unflushed bytes are lost", "broker 0（最初的主节点）断电，不论它现在的角色：尚未刷盘的数据丢失";
    FaultFirstDisk => "Destroy first master disk", "损毁最初的主节点磁盘";
    FaultFirstDiskHelp => "broker 0's commit log is gone, whatever its role now", "broker 0 的 CommitLog 全部丢失，不论它现在的角色";
    FaultSlave2Stop => "Stop slave 2", "停止第二个从节点";
    FaultSlave2StopHelp => "clean stop of the second slave: the master loses it at once", "正常停止第二个从节点：主节点立即失去它";
    FaultSlave2Start => "Start slave 2", "启动第二个从节点";
    FaultSlave2StartHelp => "the second slave comes back and catches up", "第二个从节点恢复并追上主节点";
    FaultPartSlave2 => "Partition slave 2", "隔离第二个从节点网络";
    FaultPartSlave2Help => "master↔second slave packets are dropped", "主节点与第二个从节点之间的网络包全部丢弃";
    FaultCtlCrash => "Crash controller", "控制器宕机";
    FaultCtlCrashHelp => "the controller's process dies and restarts after the chosen time: meanwhile nobody is elected and the SyncStateSet does not change", "控制器进程宕机，在所选时间后重启：期间不会选举，SyncStateSet 也不会变化";
    FaultCtlPart => "Partition controller", "隔离控制器网络";
    FaultCtlPartHelp => "the brokers cannot reach the controller: no heartbeat arrives, nobody is elected", "Broker 连不上控制器：心跳到不了，不会选举";
    NoSlave => "no slave configured", "未配置从节点";
    // Faults that cannot apply now (the core's `Sim::can_apply`), and the list of faults so far.
    RefuseWrongTarget => "“{0}” is not a fault the {1} can take", "“{0}”：这种故障不能作用于{1}";
    RefuseNoSlave => "this scenario has no slave", "这个场景没有从节点";
    RefuseNoController => "the scenario is not in controller mode", "场景未开启控制器模式（enableControllerMode）";
    RefuseNoConsumer => "this scenario has no consumer", "这个场景没有消费者";
    RefuseNotRunning => "the {0} process is not running (down since {1})", "{0}进程没有在运行（自 {1} 起已停止）";
    RefuseAlreadyRunning => "the {0} is already running", "{0}已经在运行";
    RefuseMachineOff => "the {0} machine is off {1}", "{0}机器已断电，{1}";
    RefuseAlreadyOff => "the {0} machine is already off {1}; an outage that ends sooner changes nothing", "{0}机器已经停机，{1}；更早结束的故障不会改变什么";
    RefuseDiskDestroyed => "the {0} disk was destroyed at {1}; its restart brings a new one", "{0}的磁盘已在 {1} 损毁；重启时换上新盘";
    RefuseInForce => "the same fault is already in force {0}", "同样的故障已在生效，{0}";
    RefuseConsumerNotStarted => "the consumer has not started yet (it starts at {0})", "消费者尚未启动（{0} 启动）";
    RefuseConsumerDown => "the consumer is already down {0}", "消费者已经宕机，{0}";
    UntilAt => "until {0}", "直到 {0}";
    UntilEnd => "for the rest of the run", "直到运行结束";
    FaultCannotApply => "Not injected: {0}.", "未注入：{0}。";
    FaultsSoFar => "Faults so far", "目前的故障";
    FaultWordsCrash => "Kill {0} process", "杀死{0}进程";
    FaultWordsPower => "Cut {0} power", "{0}断电";
    FaultWordsDisk => "Destroy {0} disk", "损毁{0}磁盘";
    FaultWordsSlow => "Slow {0} disk", "{0}磁盘变慢";
    FaultWordsStall => "Stall {0} disk", "{0}磁盘停滞";
    FaultWordsStop => "Stop {0}", "停止{0}";
    FaultWordsStart => "Start {0}", "启动{0}";
    FaultWordsPartition => "Partition {0}", "隔离{0}网络";
    FaultWordsConsumer => "Crash {0}", "{0}宕机";
    FaultNotApplied => "not applied: {0}", "未生效：{0}";
    FaultForDuration => "for {0}", "持续 {0}";
    RunEndedHint => "The run has ended; seek back to inject a fault earlier.", "本次运行已结束；拖回更早的时间再注入故障。";
    ShortcutHint => "key {0}", "快捷键 {0}";
    // Summary.
    SummaryHeading => "Summary", "汇总";
    SummaryAllCounts => "all counts", "全部计数";
    SummaryStripLabel => "Counts at the playhead", "播放头处的计数";
    BrokenTextSoFar => " broken promises so far: acknowledged, then lost", " 条承诺已落空：确认成功后又丢失";
    AtEndHidden => "shown when the playhead reaches the end", "播放到结尾时显示";
    PaceSlowed => "slowed to {0} here so you can follow the messages", "此处放慢到 {0}，便于看清消息";
    PaceSkipped => "skipped {0} in which nothing happened", "跳过了 {0} 的空闲时间";
    BrokenText => " broken promises so far: acknowledged, then lost ({0} by the end of the run)", " 条承诺已落空：确认成功后又丢失（到运行结束共 {0} 条）";
    InspectOne => "inspect one", "查看一条";
    ProducerSaw => "producer saw", "生产者收到";
    SoFar => "so far", "目前";
    AtEnd => "at end", "结束时";
    VerdictCol => "verdict", "结局";
    LostListHeading => "Lost messages so far (Enter opens the inspector)", "目前已丢失的消息（回车打开详情）";
    LostListMore => "… and {0} more", "……另有 {0} 条";
    NoneLostYet => "No message lost so far.", "目前没有消息丢失。";
    Digest => "seed {0} · log digest {1}…", "种子 {0} · 日志摘要 {1}…";
    CostHeading => "What the sends cost (RocketMQ benchmark figures: Send TPS and RT over the time the producer sent, Consume TPS from the first send to the last consumption)", "发送的代价（RocketMQ 基准测试指标：Send TPS 与 RT 按生产者发送期间计算，Consume TPS 从第一次发送到最后一次消费计算）";
    // Inspector.
    InspectorHeading => "Inspector", "消息详情";
    InspectorHint => "Click a message token (or pick one from the lost list) to see its history and why it ended as it did.", "点击一个消息圆点（或从丢失列表中选一条），查看它的经历和最终结局的原因。";
    CloseInspector => "Close inspector (Esc)", "关闭详情（Esc）";
    ProducerSawPrefix => "producer saw ", "生产者收到 ";
    AttemptsDeliveries => " · {0} attempt(s) · {1} deliveries", " · 发送 {0} 次 · 投递 {1} 次";
    AtEndOfRun => "At the end of the run ({0}):", "运行结束时（{0}）：";
    StageSent => "first sent", "首次发送";
    StageCache => "in master page cache", "进入主节点页缓存";
    StageDisk => "on master disk", "主节点刷盘";
    StageSlave => "on slave", "复制到从节点";
    StageAnswer => "answer to producer", "响应生产者";
    StageConsumed => "first consumed", "首次消费";
    StageDlq => "dead-lettered", "进入死信队列";
    StageLost => "last copy lost", "最后一个副本丢失";
    StageCopyLost => "a copy lost (another kept it)", "一个副本丢失（另一副本仍在）";
    Later => "{0} (later)", "{0}（稍后）";
    Never => "never", "从未发生";
    History => "History (event log lines, in English)", "经历（事件日志原文，英文）";
    // Event log.
    LogRegion => "Event log", "事件日志";
    LogHeading => "Event log (English, as hashed)", "事件日志（英文原文）";
    LogCount => "{0} of {1} events", "{0} / {1} 个事件";
    LogMessage => "message ", "消息 ";
    LogMessagePlaceholder => "id, e.g. 251", "编号，例如 251";
    LogKind => "kind ", "类别 ";
    LogAll => "all", "全部";
    LogBadId => "message id is a number, e.g. 251", "消息编号应为数字，例如 251";
    LogView => "Events up to the playhead", "到播放头为止的事件";
    KindSend => "send", "发送";
    KindAnswer => "answer", "响应";
    KindAppend => "append", "写入";
    KindFlush => "flush", "刷盘";
    KindReplica => "replica", "主从复制";
    KindFault => "fault", "故障";
    KindBroker => "broker", "Broker";
    KindLost => "lost", "丢失";
    KindConsume => "consume", "消费";
    KindRetry => "retry", "重试";
    KindDlq => "dlq", "死信";
    KindOffset => "offset", "消费位点";
    KindRun => "run", "运行";
    // Presets.
    PresetsRegion => "Presets", "预设场景";
    PresetsHeading => "Presets: one claim each", "预设场景：每个验证一个说法";
    GroupStart => "Start here: the whole path in one run", "从这里开始：一次运行走完全程";
    GroupProducing => "Producing: what the send status means", "生产消息：发送状态意味着什么";
    GroupStoring => "Storing: flush and crashes", "存储消息：刷盘与宕机";
    GroupReplicating => "Replicating: master and slave", "同步消息：主节点与从节点";
    GroupConsuming => "Consuming: retries and the DLQ", "消费消息：重试与死信队列";
    GroupMore => "More", "更多";
    GroupReleases => "RocketMQ 5.3.3 and 4.7.0: what changes with the release", "RocketMQ 5.3.3 与 4.7.0：随版本改变的行为";
    // Configuration.
    ConfigHeading => "Configuration", "配置";
    DefaultIs => " Default {0}.", " 默认值 {0}。";
    TomlLabel => "Scenario file (TOML, RocketMQ names)", "场景文件（TOML，使用 RocketMQ 的参数名）";
    Apply => "Apply and restart", "应用并重新开始";
    FixField => "Fix the highlighted field to apply.", "请先修正标出的字段再应用。";
    UnitMs => "ms", "毫秒";
    UnitPages => "pages", "页";
    UnitPercent => "%", "%";
    HelpFlushDiskType => "When the commit log reaches the disk: in the background, or before each answer.", "CommitLog 何时写到磁盘：后台异步刷盘，或在每次响应之前同步刷盘。";
    HelpBrokerRole => "Whether each send waits for the slave.", "每次发送是否等待从节点（同步复制还是异步复制）。";
    HelpSyncFlushTimeout => "SYNC_FLUSH: longest wait for the flush before FLUSH_DISK_TIMEOUT.", "SYNC_FLUSH：等待刷盘的最长时间，超时返回 FLUSH_DISK_TIMEOUT。";
    HelpSlaveTimeout => "SYNC_MASTER: longest wait for the slave before FLUSH_SLAVE_TIMEOUT.", "SYNC_MASTER：等待从节点的最长时间，超时返回 FLUSH_SLAVE_TIMEOUT。";
    HelpFlushInterval => "ASYNC_FLUSH: how often the background flush runs.", "ASYNC_FLUSH：后台刷盘的间隔。";
    HelpFlushLeastPages => "ASYNC_FLUSH: flush only when this many 4 KiB pages are dirty.", "ASYNC_FLUSH：脏页（4 KiB）达到这个数量才刷盘。";
    HelpSlaveEnabled => "Whether the broker group has a slave.", "该 Broker 组是否有从节点。";
    HelpTotalReplicas => "5.x: replicas in the group, the master included. Set it to 2 with inSyncReplicas = 2.", "5.x：组内副本数，含主节点。与 inSyncReplicas = 2 一起设为 2。";
    HelpInSyncReplicas => "5.x: acks a SYNC_MASTER send waits for, the master's own included. At 1 it does not wait for the slave.", "5.x：SYNC_MASTER 发送要等的确认数，含主节点自己。为 1 时不等待从节点。";
    HelpSlaveReadEnable => "5.x: whether the slave serves pulls. At false a consumer reads nothing from it while the master is down.", "5.x：从节点是否响应拉取。为 false 时，主节点宕机期间消费者从从节点读不到任何消息。";
    HelpClient => "remoting: DefaultMQProducer, straight to the broker. grpc: the RocketMQ 5 client through the proxy (maxAttempts 3, requestTimeout 3 s; no SendStatus: a timeout or FLUSH_DISK_TIMEOUT is an error, resent at once).", "remoting：DefaultMQProducer，直连 Broker。grpc：经代理的 RocketMQ 5 客户端（maxAttempts 3，requestTimeout 3 秒；没有 SendStatus：超时或 FLUSH_DISK_TIMEOUT 都是错误，并立即重发）。";
    HelpSendMode => "send(msg), send(msg, callback) or sendOneway(msg).", "send(msg)、send(msg, callback) 或 sendOneway(msg)。";
    HelpMessages => "How many messages the producer sends (lab knob).", "生产者发送的消息条数（实验室参数）。";
    HelpInterval => "Time between two sends (lab knob).", "两次发送之间的间隔（实验室参数）。";
    HelpSendMsgTimeout => "One time budget for all attempts of a send.", "一次发送（含所有重试）的总超时时间。";
    HelpRetryTimes => "SYNC: extra attempts after a failed one.", "SYNC 发送：失败后额外重试的次数。";
    HelpOnException => "What the application does with a failed send (lab knob).", "发送失败时应用如何处理（实验室参数）：只记日志，或持久化后补偿重发。";
    HelpStartAt => "When the consumer group comes online (lab knob).", "消费者组何时上线（实验室参数）。";
    HelpMaxReconsume => "Retries before a failing message goes to %DLQ%.", "消费失败的消息重试多少次后进入 %DLQ%（死信队列）。";
    HelpFailPercent => "Share of consume attempts that fail (lab knob).", "消费失败的比例（实验室参数）。";
    HelpSeed => "The run's seed: the same seed gives the same run.", "本次运行的种子：相同的种子得到相同的运行。";
    // The picture.
    PipelineLabel => "Message pipeline: producer, master, slave, consumer, retry, DLQ and lost messages", "消息链路：生产者、主节点、从节点、消费者、重试、死信队列和丢失的消息";
    StProducer => "Producer", "生产者";
    StMaster => "Master broker", "Broker 主节点";
    StSlave => "Slave broker", "Broker 从节点";
    StQueue => "Consume queue", "消费队列";
    // Controller mode and the second slave (issue 20).
    StMasterBroker => "Master · broker {0}", "主节点 · Broker {0}";
    StSlaveBroker => "Slave · broker {0}", "从节点 · Broker {0}";
    EpochSub => "epoch {0} · {1}", "epoch {0} · {1}";
    StController => "Controller", "控制器";
    ControllerUp => "up · master: broker {0} · epoch {1}", "运行中 · 主节点：Broker {0} · epoch {1}";
    ControllerNoMaster => "up · no master · epoch {0}", "运行中 · 没有主节点 · epoch {0}";
    ControllerOut => "{0} · elects nobody", "{0} · 无法选举";
    ControllerPartitioned => "✂ partitioned away", "✂ 网络已隔离";
    ControllerTitle => "The controller (one node for the controllers' Raft group): it elects the master and keeps the SyncStateSet", "控制器（代表控制器的 Raft 组，这里只有一个节点）：选举主节点并维护 SyncStateSet";
    SyncChipIn => "broker {0}: in the SyncStateSet", "Broker {0}：在 SyncStateSet 中";
    SyncChipOut => "broker {0}: not in the SyncStateSet", "Broker {0}：不在 SyncStateSet 中";
    SyncChipMaster => "broker {0}: the master (in the SyncStateSet)", "Broker {0}：主节点（在 SyncStateSet 中）";
    Promoted => "⬆ broker {0} is master · epoch {1}", "⬆ Broker {0} 成为主节点 · epoch {1}";
    PromotedShort => "⬆ promoted: broker {0}", "⬆ 升为主节点：Broker {0}";
    ConfirmLine => "confirm offset {0}: the least ack of the SyncStateSet (with allAckInSyncStateSet, consumers read only up to it)", "确认位点 {0}：SyncStateSet 中最小的确认位点（开启 allAckInSyncStateSet 时，消费者只能读到这里）";
    Slave2Log => "log {0} · disk {1}", "日志 {0} · 磁盘 {1}";
    StConsumerGroup => "Consumer group {0}", "消费者组 {0}";
    StLost => "Lost", "丢失";
    SendSync => "SYNC send", "SYNC 同步发送";
    SendAsync => "ASYNC send", "ASYNC 异步发送";
    SendOneway => "ONEWAY send", "ONEWAY 单向发送";
    ProducerSub => "{0} · {1} of {2} sent", "{0} · 已发送 {1} / {2}";
    ProducerGrpc => "gRPC client", "gRPC 客户端";
    GrpcSettings => "maxAttempts {0} · requestTimeout {1}", "maxAttempts {0} 次 · requestTimeout {1}";
    ProxyPlate => "proxy · {0}", "代理 · {0}";
    ProxyTitle => "RocketMQ 5 proxy ({0} mode) between the gRPC {1} and the broker. {2}", "RocketMQ 5 代理（{0} 模式），位于 gRPC {1}与 Broker 之间。{2}";
    ProxyOfProducer => "producer", "生产者";
    ProxyOfConsumer => "consumer", "消费者";
    ProxyLast => "Last answer: {0} → {1} ({2}).", "最近一次应答：{0} → {1}（{2}）。";
    ConsumerPop => "{0} · POP · {1} nacked, in backoff", "{0} · POP · 已 nack 退避中 {1} 条";
    InvisibleLine => "msg#{0} invisible until {1} · {2}/{3} deliveries", "消息 {0} 不可见至 {1} · 已投递 {2}/{3} 次";
    InvisibleShort => "msg#{0} ◌ until {1} · {2}/{3}", "消息 {0} ◌ 至 {1} · {2}/{3}";
    LookInvisible => "invisible: nacked, it comes back through %RETRY% after its backoff", "不可见：已 nack，退避结束后经 %RETRY% 重新投递";
    GrpcSendHeading => "gRPC send through the proxy", "经代理的 gRPC 发送";
    GrpcAttemptLine => "attempt {0} of {1} at {2}: {3}", "第 {0} / {1} 次尝试（{2}）：{3}";
    GrpcResent => "{0}, resent at once", "{0}，立即重发";
    GrpcThrown => "{0}: the application saw the exception", "{0}：应用收到异常";
    GrpcOk => "OK: a receipt", "OK：收到回执";
    GrpcNoAnswer => "no answer yet", "尚无应答";
    GrpcProxySaid => " · proxy answered {0} (broker: {1})", " · 代理应答 {0}（Broker：{1}）";
    CopiesStored => "copies stored in TopicTest: {0}", "TopicTest 中存储的副本：{0} 份";
    CopiesStoredLater => "copies stored in TopicTest: {0} ({1} by the end of the run)", "TopicTest 中存储的副本：{0} 份（运行结束时 {1} 份）";
    LinkCut => " · link to master cut", " · 与主节点的链路已断开";
    OnewayNoAnswer => "ONEWAY (no answer)", "ONEWAY（无响应）";
    RegionCache => "page cache (memory)", "页缓存（内存）";
    RegionDisk => "commit log on disk", "磁盘上的 CommitLog";
    GaugeTitle => "Flush gauge: written offset (page cache) vs flushed offset (disk)", "刷盘进度：写入位点（页缓存）与刷盘位点（磁盘）";
    GaugeOnDisk => "on disk {0}", "已刷盘 {0}";
    GaugeMemory => "{0} memory only", "{0} 仅在内存";
    NotConfigured => "not configured", "未配置";
    LinkPartitioned => "link partitioned", "网络已隔离";
    Connected => "connected", "已连接";
    NotConnected => "not connected", "未连接";
    SlaveSub => "{0} · acked offset {1}", "{0} · 已确认位点 {1}";
    SlaveCache => "page cache: {0}", "页缓存：{0}";
    SlaveDisk => "disk: {0}", "磁盘：{0}";
    ConsumedTo => "consumed to {0} of {1}", "已消费到 {0} / {1}";
    ConsumedToHead => "consumed to {0}", "已消费到 {0}";
    ConsumedToTail => "of {0}", "共 {0}";
    ConsumedToCut => "consumed to {0} · queue now {1}", "已消费到 {0} · 队列现存 {1}";
    ConsumedToCutTail => "queue now {0}", "队列现存 {0}";
    ConsumedCutTip => "The consumer read to offset {0} before this queue was cut back to {1} entries: a power loss lost its unflushed tail, or a truncation dropped it.", "消费者在这个队列被截回到 {1} 条之前已经读到位点 {0}：断电丢失了尚未刷盘的尾部，或者截断把它删掉了。";
    PopQueueTo => "popped to {0} of {1}", "已 Pop 到 {0} / {1}";
    PopQueueToHead => "popped to {0}", "已 Pop 到 {0}";
    PopQueueAcks => "acked {0} · {1} unacked", "已确认 {0} · 未确认 {1}";
    PopQueueTip => "POP: the broker moves the group's offset past a message when it pops it; the message stays invisible until its ack, or until the revive writes it to %RETRY%", "POP：Broker 在 Pop 消息时即把消费组位点移过它；消息在 ack 之前、或在 revive 把它写入 %RETRY% 之前一直不可见";
    QueueRouteTip => "the consumer pulls from the {0}", "消费者从{0}拉取";
    ConsumerOnline => "online · {0} in process", "在线 · 处理中 {0} 条";
    ConsumerCrashed => "✕ crashed, restarting", "✕ 已宕机，重启中";
    ConsumerDisabled => "disabled (consumer.enabled = false)", "已停用（consumer.enabled = false）";
    ConsumerNotStarted => "not started yet (startAt {0})", "尚未启动（startAt {0}）";
    ConsumerOffline => "offline", "离线";
    RegionConsuming => "consuming", "消费中";
    RegionConsumed => "consumed ✓", "消费成功 ✓";
    RetrySub => "waiting out delay levels", "按延迟级别等待重试";
    RetrySubPop => "revived after the nack backoff, popped again", "nack 退避结束后由 revive 写入，再次被 Pop";
    DlqSub => "dead letters ☠", "死信 ☠";
    LostSub => "✕ ghosts · {0} acked, then lost", "✕ 幽灵 · {0} 条确认后丢失";
    RetryWaiting => "msg#{0} level {1}, due in {2}", "消息 {0} 级别 {1}，{2} 后到期";
    OverflowMore => "+{0} more", "另有 {0} 条";
    OverflowShort => "+{0}", "+{0}";
    BadgeProcessDown => "✕ process down", "✕ 进程宕机";
    BadgeMachineOff => "⚡ machine off", "⚡ 机器断电";
    BadgeStopped => "stopped", "已停止";
    BadgeBackAt => ", back at {0}", "，{0} 恢复";
    BadgeStalled => "‖ disk stalled", "‖ 磁盘停滞";
    BadgeSlow => "disk slow ×{0}", "磁盘变慢 ×{0}";
    // Tokens.
    TokenLabel => "msg#{0}: {1}{2}", "消息 {0}：{1}{2}";
    TokenDup => ", {0} times (duplicate)", "，{0} 次（重复消费）";
    LookFlight => "not stored yet", "尚未存储";
    LookMemory => "only in the master's page cache", "只在主节点的页缓存中";
    LookDurable => "on the master's disk", "已刷到主节点磁盘";
    LookReplicated => "on the slave too", "从节点也有副本";
    LookConsumed => "consumed", "消费成功";
    LookDlq => "dead-lettered", "已进入死信队列";
    LookLost => "acknowledged, then lost", "确认成功后丢失";
    LookLostUnacked => "lost (the producer saw no success)", "丢失（生产者没有收到成功响应）";
    LookTruncated => "cut by a truncation: only the old master held it when it rejoined", "被截断：旧主重新加入时只有它持有这条消息";
    // Narration (the live region).
    SayLostOne => "message {0} lost: {1}", "消息 {0} 丢失：{1}";
    SayLostMany => "{0} messages lost: {1}", "{0} 条消息丢失：{1}";
    SayLostManyMore => "{0} messages lost, among them {1}", "{0} 条消息丢失，其中{1}";
    SayPowerOne => "the {0} lost power before it was flushed", "{0}断电时它尚未刷盘";
    SayPowerMany => "the {0} lost power before they were flushed", "{0}断电时它们尚未刷盘";
    SayDiskGone => "the {0}'s disk was destroyed", "{0}的磁盘损毁";
    SaySlaveOnly => "only the slave had it and the master restarted behind it", "只有从节点有它，而主节点重启后落后于从节点";
    SayTruncated => "only the old master had it and it truncated its log when it rejoined after a failover", "只有旧主节点有它，故障切换后旧主重新加入时截断了日志";
    SayWriteBuffer => "it was still in the off-heap write buffer (transientStorePoolEnable) when the process died", "进程崩溃时它还在堆外写缓冲区中（transientStorePoolEnable）";
    SaySkipped => "the consumer group's committed offset had moved past it after a truncation", "截断之后，消费组已提交的偏移越过了它";
    SayNeverStored => "it never reached the broker and the producer saw no success", "它没有到达 Broker，生产者也没有收到成功响应";
    SayFault => "fault: {0}", "故障：{0}";
    SayDlq => "{0} message(s) dead-lettered to %DLQ%", "{0} 条消息进入死信队列 %DLQ%";
    SayDup => "{0} message(s) consumed again (duplicates)", "{0} 条消息被重复消费";
    SayEnded => "the run ended at {0}", "运行在 {0} 结束";
    SayElected => "the controller elected broker {0} master (epoch {1})", "控制器选举 Broker {0} 为主节点（epoch {1}）";
    SayElectedUnclean => "the controller elected broker {0} master (epoch {1}) from outside the SyncStateSet (unclean election)", "控制器从 SyncStateSet 之外选举 Broker {0} 为主节点（epoch {1}，非干净选举）";
    SayRoleChanged => "broker {0} is master now (epoch {1}); producers and consumers move to it at their next route poll", "Broker {0} 已成为主节点（epoch {1}）；生产者和消费者在下一次路由轮询时切换过去";
    SayNoMaster => "the controller found no broker to elect: the group has no master", "控制器找不到可选举的 Broker：该组没有主节点";
    SayLogTruncated => "broker {0} rejoined and truncated its log by {1}", "Broker {0} 重新加入并截断了 {1} 日志";
    SayControllerBack => "the controller is back", "控制器已恢复";
    SaySyncSet => "SyncStateSet {0} to {1}", "SyncStateSet {0}为 {1}";
    SyncShrunk => "shrunk", "缩小";
    SyncGrew => "grew", "扩大";
    StageTruncated => "cut by a truncation", "被截断";
    SayPlaying => "playing", "开始播放";
    SayPaused => "paused at {0}", "暂停于 {0}";
    SaySpeed => "speed {0}", "速度 {0}";
    SayNoSlave => "no slave configured", "未配置从节点";
    // Help dialog.
    KeysHeading => "Keyboard shortcuts", "键盘快捷键";
    KeysNote => "Shortcuts do nothing while you type in a field.", "在输入框中打字时快捷键不起作用。";
    KeysClose => "Close", "关闭";
    KeyPlay => "play / pause", "播放 / 暂停";
    KeyStep => "step to the next event", "前进到下一个事件";
    KeyBack => "step back to the previous event", "退回上一个事件";
    KeyFaster => "faster", "加快";
    KeySlower => "slower", "减慢";
    KeyPower => "cut the master's power", "主节点断电";
    KeyKill => "kill the master process", "杀死主节点进程";
    KeyDisk => "destroy the master's disk", "损毁主节点磁盘";
    KeySlave => "stop / start the slave", "停止 / 启动从节点";
    KeyConsumer => "crash the consumer", "消费者宕机";
    KeyLost => "go to the list of lost messages", "跳到丢失消息列表";
    KeyHelp => "this help", "显示本帮助";
    KeyEscape => "close this dialog or the inspector", "关闭本对话框或消息详情";
    KeyFaultNote => "Faults are injected at the playhead with the duration chosen in the fault panel.", "故障在播放头处注入，持续时间取故障面板中的选择。";
    // The extras module's slot (src/extras.rs): its first use fetches a second wasm module.
    ExtraLoading => "Loading this part of the lab…", "正在加载这部分功能…";
    // The first frame drawn ahead of time (src/first_frame.rs, issue 23), until the lab mounts.
    FrameLoading => "Loading the lab: it starts in a moment…", "正在加载实验室，马上就好…";
    ExtraFailed => "This part of the lab could not be loaded: ", "这部分功能无法加载：";
    TomlLoading => "Reading this text: loading the full TOML parser…", "正在读取这段文本：加载完整的 TOML 解析器…";
    LinkLoading => "Opening the link: loading the full TOML parser for its scenario…", "正在打开链接：为其场景加载完整的 TOML 解析器…";
    // Settings sweep (src/sweep/).
    SweepOpen => "Compare settings", "比较配置";
    SweepOpenTitle => "Sweep flushDiskType × brokerRole × send mode under faults: loss against latency and throughput", "在故障下扫描 flushDiskType × brokerRole × 发送方式：丢失与延迟、吞吐量的对比";
    SweepBack => "← Back to the lab", "← 返回实验室";
    SweepHeading => "Compare settings: what each loses, what each costs", "比较配置：各自丢多少、代价多大";
    SweepIntro => "Every combination you tick runs under each chosen fault, once per seed, in a background worker. Each mark on the chart is one configuration: the share of acknowledged messages it lost under the fault, against what it costs with no fault (the p99 send latency or send TPS of its run without a fault).", "勾选的每种组合都会在每种故障下、按每个种子各运行一次（在后台 Worker 中）。图上每个标记代表一种配置：它在该故障下确认成功后又丢失的消息比例，对比它在无故障时的代价（无故障运行的 p99 发送延迟或发送 TPS）。";
    SweepInputs => "What to compare", "比较什么";
    SweepSendMode => "send mode", "发送方式";
    SweepVersions => "RocketMQ version (each its own configurations)", "RocketMQ 版本（每个版本各自一组配置）";
    SweepFaults => "faults (each its own run)", "故障（每种单独运行）";
    SweepNoFault => "no fault", "无故障";
    SweepSeeds => "seeds per configuration", "每种配置的种子数";
    SweepMessages => "messages per run", "每次运行的消息数";
    SweepWorkload => "workload", "负载";
    SweepOpenLoop => "open loop: one send every", "开环：每隔固定时间发送一条，间隔";
    SweepClosedLoop => "closed loop: threads sending back to back", "闭环：多个线程连续发送，线程数";
    SweepFaultAt => "fault strikes at ", "故障发生时间 ";
    SweepFaultAtAuto => "auto", "自动";
    SweepDownloads => "Download the results: ", "下载结果：";
    SweepRun => "Run sweep", "开始扫描";
    SweepCancel => "Cancel", "取消";
    SweepProgressLabel => "Sweep progress", "扫描进度";
    SweepProgress => "{0} of {1} runs", "已完成 {0} / {1} 次运行";
    SweepTimeLeft => " · about {0} left", " · 约剩 {0}";
    SweepCancelled => "Cancelled after {0} of {1} runs.", "已取消：完成了 {0} / {1} 次运行。";
    SweepDone => "{0} runs in {1}.", "共 {0} 次运行，用时 {1}。";
    SweepFailed => "The sweep stopped: {0}", "扫描中止：{0}";
    SweepChoose => "Choose at least one value for {0}.", "请为 {0} 至少选择一个值。";
    SweepBadNumber => "{0}: {1}", "{0} 有误：{1}";
    SweepAxis => "x axis", "横轴";
    SweepAxisP99 => "p99 send latency (ms)", "p99 发送延迟（毫秒）";
    SweepAxisTps => "send TPS (messages per second)", "发送 TPS（条/秒）";
    SweepAxisP99Healthy => "p99 send latency with no fault (ms)", "无故障时的 p99 发送延迟（毫秒）";
    SweepAxisTpsHealthy => "send TPS with no fault (messages per second)", "无故障时的发送 TPS（条/秒）";
    SweepCostNote => "The x axis is each configuration's cost with no fault (its run without a fault); the y axis its loss under this fault: under the fault every send waits for the outage, so its own latency says nothing about the setting.", "横轴是各配置在无故障时的代价（它的无故障运行）；纵轴是它在该故障下的丢失：故障期间每次发送都在等待故障结束，那时的延迟反映不出配置的差别。";
    SweepMarkPerYear => "; about {0} acknowledged-then-lost a year", "；每年约 {0} 条确认后丢失";
    SweepMarkTies => "; ties with #{0}", "；与 #{0} 并列";
    SweepColPerYear => "lost per year", "每年丢失";
    SweepPerYearHeading => "Expected loss per year", "每年的预期丢失";
    SweepPerYearFormula => "Acknowledged-then-lost per year = faults per machine-year × acknowledged-then-lost per fault (the mean over the seeds), at this workload's rate.", "每年确认后丢失 = 每台机器每年的故障次数 × 每次故障确认后丢失的条数（各种子的平均值），按本负载的发送速率计。";
    SweepRateDefault => "default {0}: {1}", "默认 {0}：{1}";
    SweepRates => "fault rates (per machine and year)", "故障率（每台机器每年）";
    SweepDespiteHeading => "SYNC_MASTER, and still losing", "SYNC_MASTER，却仍然丢失";
    SweepDespiteIsr => "#{0} {1}: {2} acknowledged messages lost in {3} runs, because RocketMQ {4}'s SYNC_MASTER waits for no slave at inSyncReplicas = {5} (the master alone); totalReplicas = 2 and inSyncReplicas = 2 make it wait as 4.x does.", "#{0} {1}：{3} 次运行中丢失了 {2} 条已确认消息，因为 RocketMQ {4} 的 SYNC_MASTER 在 inSyncReplicas = {5}（只算主节点自己）时不等待从节点；设置 totalReplicas = 2 和 inSyncReplicas = 2 才会像 4.x 一样等待。";
    SweepDespiteRestart => "#{0} {1}: {2} acknowledged messages lost in {3} runs, because the master comes back after {4} holding less than its slave, and master-slave replication (without controller mode) does not reconcile the two: consumers read the restarted master, so what only the slave kept is never delivered.", "#{0} {1}：{3} 次运行中丢失了 {2} 条已确认消息，因为主节点在 {4} 后重启时持有的数据比从节点少，而主从复制（非 Controller 模式）不会对齐两者：消费者重新从主节点读取，只有从节点保存的消息永远不会被投递。";
    SweepDespiteOther => "#{0} {1}: {2} acknowledged messages lost in {3} runs; open a failing seed to see each message's cause.", "#{0} {1}：{3} 次运行中丢失了 {2} 条已确认消息；打开一个丢失消息的种子查看每条消息的原因。";
    SweepAxisLog => ", log scale", "，对数刻度";
    SweepAxisLoss => "acknowledged, then lost (%)", "确认后丢失（%）";
    SweepFaultPick => "fault", "故障";
    SweepChartCaption => "Under {0}: acknowledged-then-lost rate against {1}, one mark per configuration", "{0} 下：确认后丢失比例对比 {1}，每个标记代表一种配置";
    SweepMarkTitle => "#{0} {1}: acknowledged then lost {2} %, p99 {3} ms, {4} TPS (mean, min–max over seeds)", "#{0} {1}：确认后丢失 {2} %，p99 {3} 毫秒，{4} TPS（平均值，各种子的最小–最大）";
    SweepMarkTitleHealthy => "#{0} {1}: acknowledged then lost {2} % under the fault; with no fault p99 {3} ms, {4} TPS (mean, min–max over seeds)", "#{0} {1}：该故障下确认后丢失 {2} %；无故障时 p99 {3} 毫秒，{4} TPS（平均值，各种子的最小–最大）";
    SweepMarkBook => "; the book's recommendation", "；书中推荐的配置";
    SweepMarkFrontier => "; on the frontier (no other configuration beats it on both)", "；位于前沿（没有其他配置在两方面都胜过它）";
    SweepMarkClick => ". Click to open a run that lost messages.", "。点击打开一次丢了消息的运行。";
    SweepBookShort => "book", "书中推荐";
    SweepKeyFrontier => "line: the frontier, configurations no other beats on both", "折线：前沿，即没有其他配置在两方面都胜过的配置";
    SweepKeyBook => "ringed: ASYNC_FLUSH + SYNC_MASTER, the book's recommendation", "带圈：ASYNC_FLUSH + SYNC_MASTER，书中推荐的配置";
    SweepKeyTies => "in the frontier column: equal to another configuration on both figures, so neither is marked as the one to pick", "（前沿列）与另一配置在两项数字上都相同，因此两者都不标为前沿";
    SweepKeyBars => "bars: smallest to largest over the seeds", "误差线：各种子的最小值到最大值";
    SweepTableCaption => "Every configuration under {0}, mean and (min–max) over {1} seeds", "{0} 下的全部配置，{1} 个种子的平均值及（最小–最大）";
    SweepColConfig => "configuration", "配置";
    SweepColVersion => "RocketMQ version", "RocketMQ 版本";
    SweepColLoss => "acknowledged, then lost", "确认后丢失";
    SweepColP50 => "p50 latency (ms)", "p50 延迟（毫秒）";
    SweepColP99 => "p99 latency (ms)", "p99 延迟（毫秒）";
    SweepColP50Healthy => "p50 with no fault (ms)", "无故障 p50（毫秒）";
    SweepColP99Healthy => "p99 with no fault (ms)", "无故障 p99（毫秒）";
    SweepColTpsHealthy => "send TPS with no fault", "无故障发送 TPS";
    SweepColTps => "send TPS", "发送 TPS";
    SweepColFrontier => "frontier", "前沿";
    SweepColRun => "open a run", "打开运行";
    SweepOpenSeed => "seed {0}", "种子 {0}";
    SweepOpenSeedTitle => "Open seed {0} in the animated view", "在动画视图中打开种子 {0}";
    SweepNoneLost => "(none lost)", "（无丢失）";
    SweepToggleP99 => "p99 latency", "p99 延迟";
    SweepToggleTps => "send TPS", "发送 TPS";
    SweepYes => "yes", "是";
    SweepCli => "The same sweep in a terminal", "在终端里运行同样的扫描";
    SweepCliNote => "Save the grid as grid.toml; `losslab sweep` prints the same numbers.", "把下面的网格保存为 grid.toml；`losslab sweep` 输出同样的数字。";
    SweepCopyLink => "Copy link to this sweep", "复制这次扫描的链接";
    SweepLinkField => "Link to this sweep", "这次扫描的链接";
    // Compare: retry schedule (Gantt).
    GanttHeading => "Retry schedule", "重试时间表";
    GanttSummary => "{0} deliveries, from {1} to {2}: the first from TopicTest, retries from {3}.", "共 {0} 次投递，从 {1} 到 {2}：第一次来自 TopicTest，重试来自 {3}。";
    GanttTime => "time (compressed)", "时间（已压缩）";
    GanttResult => "result → retry (delay level · due)", "结果 → 重试（延迟级别 · 到期）";
    GanttDeliveryTitle => "delivery {0} at {1} from {3}: {2}", "第 {0} 次投递，{1} 来自 {3}：{2}";
    GanttWaitTitle => "waits in SCHEDULE_TOPIC_XXXX: delayLevel {0}, due {1}", "在 SCHEDULE_TOPIC_XXXX 中等待：delayLevel {0}，{1} 到期";
    GanttLocalTitle => "sendMessageBack failed: consumed again locally at {0}", "sendMessageBack 失败：{0} 在本地重新消费";
    GanttNext => "→ level {0} · {1}", "→ 级别 {0} · {1}";
    GanttEndConsumed => "Ended: consumed at {0}.", "结局：{0} 消费成功。";
    GanttEndDlq => "Ended: written to {0} at {1}.", "结局：{1} 被写入 {0}。";
    GanttEndCompensated => "Ended: written to {0} at {1}; the DLQ consumer compensated it at {2}.", "结局：{1} 被写入 {0}；死信消费者在 {2} 做了补偿。";
    GanttEndOpen => "Still in flight when the run ended.", "运行结束时仍在途中。";
    GanttAxisNote => "Time axis compressed: each stretch is drawn by the logarithm of its length, so milliseconds and hours both show; {0} idle stretches of a minute or more are squeezed (≈).", "时间轴已压缩：每段按其长度的对数绘制，毫秒和小时都能看见；{0} 段一分钟以上的空闲被压缩（≈）。";
    GanttResultPop => "result → retry (nack backoff · next delivery)", "结果 → 重试（nack 退避 · 下次投递）";
    GanttPopWaitTitle => "invisible: nacked with the retry policy's backoff {0} (after delivery attempt {1}), then the revive service wrote it to %RETRY% at {2}", "不可见：按重试策略 nack，退避 {0}（第 {1} 次投递之后），随后 revive 服务在 {2} 把它写入 %RETRY%";
    GanttPopTimeoutTitle => "invisible until its invisible time ran out (no answer came), then revived into %RETRY% at {0}", "不可见，直到不可见时间用完（没有收到应答），随后在 {0} 被 revive 写入 %RETRY%";
    GanttWaitLen => "waited {0}", "等待 {0}";
    GanttRenewStopTitle => "the proxy stopped renewing its invisible time (STOP_RENEW: renewMaxTimeMillis, 3 h, after the pop) while the consumer was still consuming it: invisible for the group retry policy's {0}, then revived into %RETRY% at {1}", "代理停止为它续期不可见时间（STOP_RENEW：距 pop 已过 renewMaxTimeMillis，即 3 小时），而消费者仍在消费它：按消费组重试策略不可见 {0}，随后在 {1} 被 revive 写入 %RETRY%";
    GanttRenewStop => "proxy stopped renewing (3 h)", "代理停止续期（3 小时）";
    GanttNextRenewStop => "→ proxy stopped renewing (3 h) · {0}", "→ 代理停止续期（3 小时）· {0}";
    GanttNextPop => "→ backoff {0} · {1}", "→ 退避 {0} · {1}";
    GanttPopNote => "gRPC consumer (POP): each failure is nacked with the group's {0} retry policy (1 s, 5 s, 10 s, … from its first entry), stays invisible that long, and the revive service writes it to %RETRY% ~2.1 s later; after {1} deliveries the next pop forwards it to {2}.", "gRPC 消费者（POP）：每次失败都按消费组的 {0} 重试策略 nack（1 秒、5 秒、10 秒……从第一项开始），在此期间不可见，约 2.1 秒后由 revive 服务写入 %RETRY%；{1} 次投递之后，下一次 pop 把它转发到 {2}。";
    GanttExpand => "Expand", "展开";
    GanttExpandTitle => "Open the retry schedule full width: every wait between deliveries as a bar with its length", "全宽打开重试时间表：每两次投递之间的等待都画成一条标有时长的条";
    GanttClose => "Close", "关闭";
    GanttWideHeading => "Retry schedule of msg#{0}", "msg#{0} 的重试时间表";
    GanttWideNote => "{0} waits after {1} deliveries, each drawn as a bar with its length written on it; on a small screen the chart scrolls sideways.", "{1} 次投递之后共 {0} 段等待，每段画成一条标有时长的条；小屏幕上图表可横向滚动。";
    GanttWideTime => "time → (widths on a log scale, key below)", "时间 →（宽度按对数比例，比例尺见下方）";
    GanttWideAxisNote => "Log scale: each wait's bar is as wide as the logarithm of its length, so a wait ten times longer is one fixed step wider (1 s, 1 min and 1 h below), and a 1 ms consumption and a 2 h wait both show; read the exact length on each bar.", "对数比例：每段等待的条宽与其时长的对数成正比，时长每长十倍，条就宽出固定的一截（下方为 1 秒、1 分钟和 1 小时），因此 1 毫秒的消费和 2 小时的等待都能看见；准确时长见每条上的标注。";
    GanttScaleKey => "scale", "比例尺";
    GanttScaleBar => "a wait of {0} on this scale", "此比例下 {0} 的等待";
    // Compare: what if.
    WhatIfHeading => "Would {0} have survived with …?", "如果这样配置，{0} 能幸存吗？";
    WhatIfHint => "Same seed, workload and faults, one knob changed. In this run it ended {0}; send latency median / p99 {1}.", "同样的种子、负载和故障，只改一个参数。本次运行中它的结局是 {0}；发送延迟中位数 / p99 为 {1}。";
    WhatIfSavedBy => "Saved by: {0}", "能救下它的改动：{0}";
    WhatIfNone => "No single change saves it.", "没有哪一个单独的改动能救下它。";
    WhatIfChange => "change", "改动";
    WhatIfThisMessage => "{0} then", "那时的 {0}";
    WhatIfLatency => "send latency median / p99", "发送延迟 中位数 / p99";
    WhatIfLatencyTitle => "Send latency of that run (first attempt to answer), median / p99, and the change of the median", "该次运行的发送延迟（首次尝试到收到应答）中位数 / p99，以及中位数的变化";
    WhatIfSaves => "saves it", "能救下";
    WhatIfAsk => "Re-run with each knob changed", "逐个改动参数重新运行";
    WhatIfOpenLane => "Open as lane", "作为泳道打开";
    WhatIfOpenLaneTitle => "Open that run as a lane beside this one", "把那次运行作为泳道放在本次运行旁边";
    // Compare: lanes.
    LanesHeading => "Compare configurations", "对比配置";
    LanesHint => "Same seed, workload and fault timeline in every lane; the time control scrubs them together, and a fault injected at the playhead lands in every lane.", "每条泳道的种子、负载和故障时间线都相同；时间控制同时拖动所有泳道，在播放头处注入的故障会进入每条泳道。";
    LaneAddGroup => "Add a lane with one change", "添加只改一处的泳道";
    LaneAdd => "+ lane:", "+ 泳道：";
    LaneThisRun => "this run", "本次运行";
    LaneRemove => "Remove lane {0}", "移除泳道 {0}";
    LaneSent => "sent", "已发送";
    LaneCache => "cache", "页缓存";
    LaneDisk => "disk", "磁盘";
    LaneSlave => "slave", "从节点";
    LaneConsumed => "consumed", "已消费";
    LaneDlq => "%DLQ%", "死信";
    LaneLost => "lost", "丢失";
    LaneSameLost => "lane {0} lost as many acknowledged messages", "泳道 {0} 丢失的已确认消息一样多";
    LaneFewerLost => "lane {0} lost {1} fewer acknowledged messages", "泳道 {0} 少丢了 {1} 条已确认消息";
    LaneMoreLost => "lane {0} lost {1} more acknowledged messages", "泳道 {0} 多丢了 {1} 条已确认消息";
    LaneSurvives => "{0} survives in {1}", "{0} 在泳道 {1} 中幸存";
    LaneSurvivesMore => "{0} survives in {1} (and {2} more)", "{0} 在泳道 {1} 中幸存（另有 {2} 条）";
    LaneNewlyLost => "{0} is lost in {1} ({2} newly lost)", "{0} 在泳道 {1} 中丢失（新丢 {2} 条）";
    LaneJoin => "; ", "；";
    LaneSameOn => "the same on {0}", "同一场景换成 {0}";
    LaneSameOnTitle => "The same scenario, seed and faults under RocketMQ {0}: the upgrade question, side by side", "同样的场景、种子和故障，换成 RocketMQ {0} 运行：并排看升级会怎样";
    // Compare: downloads.
    DownloadsLabel => "Download", "下载";
    DlJsonlTitle => "The event log as JSON Lines (losslab run --export jsonl)", "事件日志，JSON Lines 格式（losslab run --export jsonl）";
    DlHistoryTitle => "A Jepsen-style history for external checkers (--export history)", "供外部检查器使用的 Jepsen 风格历史（--export history）";
    DlCsvTitle => "One row per message with its stages (--export csv)", "每条消息一行，含各阶段时间（--export csv）";
    DlSvgTitle => "The diagram as SVG", "把示意图存为 SVG";
    DlPngTitle => "The diagram as PNG", "把示意图存为 PNG";
    // The guided tour of a scenario (its file's [tour]).
    TourHeading => "Guided tour", "导览";
    TourAsk => "Before you play: how many of the messages sent will end {0}?", "播放之前先猜一猜：发送的消息中有多少条最终会是 {0}？";
    TourGuessNone => "none", "一条也没有";
    TourGuessSome => "some (fewer than half)", "一部分（不到一半）";
    TourGuessMost => "half or more", "一半或更多";
    TourOrPlay => "Choosing plays the run and stops at each key moment; Play alone runs it without stops.", "选择后开始播放，并在每个关键时刻停下；直接按“播放”则不停顿地运行。";
    TourYouPredicted => "Your prediction: {0} of the messages end {1}.", "你的预测：最终是 {1} 的消息——{0}。";
    TourWatch => "Watch the run; the tour stops at each key moment.", "观察这次运行；导览会在每个关键时刻停下。";
    TourStepOf => "Step {0} of {1}, at {2}", "第 {0} 步，共 {1} 步，时间 {2}";
    TourContinue => "Continue", "继续";
    TourEnd => "Leave the tour", "退出导览";
    TourResult => "The run: {0} of {1} messages ended {2}.", "运行结果：{1} 条消息中有 {0} 条最终是 {2}。";
    TourRight => "As you predicted.", "和你的预测一致。";
    TourWrong => "Not what you predicted.", "和你的预测不同。";
    TourAgain => "Play the tour again", "再看一遍导览";
}

/// The text of `key` in `lang`. Chinese before the Chinese text is installed is the English.
pub fn t(lang: Lang, key: Key) -> &'static str {
    text_in(zh_table(), lang, key)
}

/// The text of `key` in `lang` with `zh` the Chinese table, if any (the English without one).
pub fn text_in(zh: Option<&ZhTable>, lang: Lang, key: Key) -> &'static str {
    match (lang, zh) {
        (Lang::Zh, Some(z)) => z.get(key),
        _ => en(key),
    }
}

/// The Chinese text of the UI: one entry per [`Key`] (in `Key::ALL` order) and the presets' titles
/// and claims ([`PRESETS_ZH`]'s rows).
#[derive(Debug)]
pub struct ZhTable {
    keys: Vec<&'static str>,
    /// The core's Chinese templates, in `rmq_sim::text::Zh::ALL` order.
    core: Vec<&'static str>,
    /// The presets' tour Chinese by the hash of its English (`rmq_sim::scenario::tour`).
    tours: Vec<(u64, &'static str)>,
    presets: Vec<(&'static str, &'static str, &'static str)>,
}

impl ZhTable {
    /// The Chinese of `k`.
    pub fn get(&self, k: Key) -> &'static str {
        self.keys[k as usize]
    }

    /// The Chinese title and claim of preset `id`, if the table has it.
    pub fn preset(&self, id: &str) -> Option<(&'static str, &'static str)> {
        self.presets.iter().find(|(i, _, _)| *i == id).map(|(_, t, c)| (*t, *c))
    }

    /// Reads `losslab-zh.txt` (see [`zh_file_text`]): its first line must name this catalogue's
    /// [`fingerprint`] (a file of another version of the lab is refused, never half-used), then one
    /// line per key, then one line per core template (`rmq_sim::text::Zh`), then the number of tour
    /// lines and that many `hash<TAB>chinese` (the presets' tours), then `id<TAB>title<TAB>claim` per
    /// preset.
    pub fn parse(text: &'static str) -> Result<ZhTable, String> {
        let mut lines = text.lines();
        let head = lines.next().unwrap_or_default();
        let want = zh_file_header();
        if head.trim_end() != want {
            return Err(format!("losslab-zh.txt is for another version of the lab (first line \"{}\", expected \"{want}\")", head.chars().take(60).collect::<String>()));
        }
        let keys: Vec<&'static str> = lines.by_ref().take(Key::ALL.len()).collect();
        if keys.len() != Key::ALL.len() {
            return Err(format!("losslab-zh.txt ends after {} of {} texts", keys.len(), Key::ALL.len()));
        }
        // (By line number: naming the key would link every key's name into the lab.)
        if let Some(i) = keys.iter().position(|s| s.trim().is_empty()) {
            return Err(format!("losslab-zh.txt line {}: empty text", i + 2));
        }
        let core_n = rmq_sim::text::Zh::ALL.len();
        let core: Vec<&'static str> = lines.by_ref().take(core_n).collect();
        if core.len() != core_n {
            return Err(format!("losslab-zh.txt ends after {} of {} texts", Key::ALL.len() + core.len(), Key::ALL.len() + core_n));
        }
        if let Some(i) = core.iter().position(|s| s.trim().is_empty()) {
            return Err(format!("losslab-zh.txt line {}: empty text", Key::ALL.len() + i + 2));
        }
        let at = Key::ALL.len() + core_n + 2;
        let count = lines.next().and_then(|l| l.trim().parse::<usize>().ok());
        let Some(count) = count else { return Err(format!("losslab-zh.txt line {at}: expected the number of tour lines")) };
        let mut tours = Vec::with_capacity(count);
        for i in 0..count {
            let row = lines.next().and_then(|l| l.split_once('\t')).and_then(|(h, z)| Some((u64::from_str_radix(h, 16).ok()?, z)));
            match row {
                Some((h, z)) if !z.trim().is_empty() => tours.push((h, z)),
                _ => return Err(format!("losslab-zh.txt line {}: expected hash<TAB>text", at + 1 + i)),
            }
        }
        let mut presets = Vec::new();
        for (n, line) in lines.enumerate().filter(|(_, l)| !l.is_empty()) {
            let mut f = line.splitn(3, '\t');
            match (f.next(), f.next(), f.next()) {
                (Some(id), Some(t), Some(c)) if !id.is_empty() && !t.is_empty() && !c.is_empty() => presets.push((id, t, c)),
                _ => return Err(format!("losslab-zh.txt line {}: expected id<TAB>title<TAB>claim", at + 1 + count + n)),
            }
        }
        Ok(ZhTable { keys, core, tours, presets })
    }
}

/// The catalogue's fingerprint: FNV-1a (64 bits) over every English text in key order. A change of
/// keys, of their order or of their English changes it, and so does a change of the core's Chinese
/// templates (`rmq_sim::text::ZH_FINGERPRINT`, computed at compile time). (Not over [`PRESETS_ZH`]:
/// the file's preset lines name their preset, and reading that table here would link its Chinese
/// into the lab.)
pub fn fingerprint() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for k in Key::ALL {
        eat(en(*k));
    }
    eat(&format!("{:016x}{:016x}", rmq_sim::text::ZH_FINGERPRINT, rmq_sim::scenario::tour::TOUR_ZH_FINGERPRINT));
    h
}

/// The first line of `losslab-zh.txt` for this catalogue.
pub fn zh_file_header() -> String {
    format!("losslab zh {:016x}", fingerprint())
}

/// The file's name; `crate::lang_load` fetches it next to the lab, with `?v=` the fingerprint so a
/// browser's cached copy of another version is not reused.
pub fn zh_file_url(base: &str) -> String {
    format!("{base}losslab-zh.txt?v={:016x}", fingerprint())
}

thread_local! {
    static ZH: std::cell::Cell<Option<&'static ZhTable>> = const { std::cell::Cell::new(None) };
}

/// The installed table (the lab module: none until `losslab-zh.txt` is in).
#[cfg(target_arch = "wasm32")]
fn zh_table() -> Option<&'static ZhTable> {
    ZH.with(|z| z.get())
}

/// The installed table; native builds (the tests) fall back to the compiled-in one.
#[cfg(not(target_arch = "wasm32"))]
fn zh_table() -> Option<&'static ZhTable> {
    ZH.with(|z| z.get()).or_else(|| Some(builtin_zh()))
}

/// Whether Chinese lookups answer Chinese (the table is installed, or compiled in).
pub fn zh_ready() -> bool {
    zh_table().is_some()
}

/// Installs the Chinese from the text of `losslab-zh.txt` (kept for the page's life). A second
/// install keeps the first table.
pub fn install_zh(text: String) -> Result<(), String> {
    if ZH.with(|z| z.get()).is_some() {
        return Ok(());
    }
    let table = ZhTable::parse(Box::leak(text.into_boxed_str()))?;
    rmq_sim::text::install_zh(table.core.clone())?;
    rmq_sim::scenario::tour::install_tour_zh(table.tours.clone())?;
    ZH.with(|z| z.set(Some(Box::leak(Box::new(table)))));
    Ok(())
}

/// Installs the compiled-in Chinese ([`builtin_zh`]): the extras module and the browser tests.
pub fn install_builtin_zh() {
    let _ = rmq_sim::text::install_zh(rmq_sim::text::builtin_zh().to_vec());
    let _ = rmq_sim::scenario::tour::install_tour_zh(rmq_sim::scenario::tour::builtin_tour_zh().to_vec());
    ZH.with(|z| z.set(Some(builtin_zh())));
}

/// The Chinese compiled into this build. Whatever calls this links the whole Chinese text, so the
/// lab module must not (it fetches `losslab-zh.txt`).
pub fn builtin_zh() -> &'static ZhTable {
    thread_local! {
        static BUILTIN: &'static ZhTable = Box::leak(Box::new(ZhTable {
            keys: Key::ALL.iter().map(|k| zh_compiled(*k)).collect(),
            core: rmq_sim::text::builtin_zh().to_vec(),
            tours: rmq_sim::scenario::tour::builtin_tour_zh().to_vec(),
            presets: PRESETS_ZH.to_vec(),
        }));
    }
    BUILTIN.with(|b| *b)
}

/// The text of `losslab-zh.txt` for this catalogue: the header, one line per key, one line per
/// preset. `UPDATE_EXPECT=1 cargo test -p losslab-web zh_file` writes it.
pub fn zh_file_text() -> String {
    let mut out = zh_file_header();
    out.push('\n');
    for k in Key::ALL {
        out.push_str(zh_compiled(*k));
        out.push('\n');
    }
    for t in rmq_sim::text::builtin_zh() {
        out.push_str(t);
        out.push('\n');
    }
    let tours = rmq_sim::scenario::tour::builtin_tour_zh();
    out.push_str(&format!("{}\n", tours.len()));
    for (h, z) in tours {
        out.push_str(&format!("{h:016x}\t{z}\n"));
    }
    for (id, t, c) in PRESETS_ZH {
        out.push_str(&format!("{id}\t{t}\t{c}\n"));
    }
    out
}

/// The text of `key` in `lang` with `{0}`, `{1}` … replaced by `args`.
pub fn tf(lang: Lang, key: Key, args: &[&dyn std::fmt::Display]) -> String {
    let mut s = t(lang, key).to_string();
    for (i, a) in args.iter().enumerate() {
        s = s.replace(&format!("{{{i}}}"), &a.to_string());
    }
    s
}

/// The language to start in: `lang=` in the query string, else the first of the browser's
/// languages that the lab speaks, else English.
pub fn negotiate(search: &str, navigator: &[String]) -> Lang {
    query_param(search, "lang")
        .and_then(|v| Lang::from_tag(&v))
        .or_else(|| navigator.iter().find_map(|t| Lang::from_tag(t)))
        .unwrap_or(Lang::En)
}

/// The value of `key` in a query string (`?a=1&b=2`), if present.
pub fn query_param(search: &str, key: &str) -> Option<String> {
    search.trim_start_matches('?').split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == key).then(|| v.to_string())
    })
}

/// `search` with `key` set to `value` (or removed, for None), other parameters kept in order.
/// Returns the new query string with its `?`, or `?` alone when nothing is left.
pub fn with_query_param(search: &str, key: &str, value: Option<&str>) -> String {
    let mut parts: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(str::to_string)
        .collect();
    let pos = parts.iter().position(|kv| kv.split('=').next() == Some(key));
    match (pos, value) {
        (Some(i), Some(v)) => parts[i] = format!("{key}={v}"),
        (Some(i), None) => {
            parts.remove(i);
        }
        (None, Some(v)) => parts.push(format!("{key}={v}")),
        (None, None) => {}
    }
    format!("?{}", parts.join("&"))
}

/// A preset's title and claim in `lang`: the core's English, or the Chinese from [`PRESETS_ZH`]
/// (as installed: the English until then).
pub fn preset_text(lang: Lang, p: &rmq_sim::scenario::presets::Preset) -> (&'static str, &'static str) {
    match lang {
        Lang::En => (p.title, p.claim),
        Lang::Zh => zh_table().and_then(|z| z.preset(p.id)).unwrap_or((p.title, p.claim)),
    }
}

/// Chinese titles and claims of the core's presets, keyed by preset id (tested to cover all).
/// Like the Chinese column of the catalogue, only [`builtin_zh`] and [`zh_file_text`] read it.
const PRESETS_ZH: &[(&str, &str, &str)] = &[
    ("whole-path", "一次运行走完全程：发送、刷盘、复制、消费、重试、死信、丢失", "SEND_OK 并不意味着消息安全：断电会丢失主节点尚未刷盘的消息，主节点重启后从节点上的副本也救不回来；与此同时，消费者一直处理失败的消息会被重试，然后进入死信队列。"),
    ("defaults", "默认配置，无故障：全部送达", "使用 RocketMQ 的默认配置且没有故障时，每次发送都返回 SEND_OK，每条消息都恰好被消费一次。"),
    ("slave-not-available", "SYNC_MASTER 没有从节点：SLAVE_NOT_AVAILABLE", "角色为 SYNC_MASTER 却没有配置从节点时，返回 SLAVE_NOT_AVAILABLE；消息仍然已存储。"),
    ("slave-stopped", "从节点停止：之后的发送返回 SLAVE_NOT_AVAILABLE", "SYNC_MASTER 的从节点下线后，发送返回 SLAVE_NOT_AVAILABLE，消息不再被复制。"),
    ("flush-slave-timeout", "主从链路卡住：FLUSH_SLAVE_TIMEOUT", "SYNC_MASTER 的从节点没能在等待时间内追上时，返回 FLUSH_SLAVE_TIMEOUT；消息已存储，但没有复制到从节点。"),
    ("flush-slave-client-timeout", "主从链路卡住，客户端默认超时：抛出异常", "在默认的 sendMsgTimeout 下，客户端在 Broker 返回 FLUSH_SLAVE_TIMEOUT 之前就放弃了，于是对一条已存储的消息看到了异常。"),
    ("flush-disk-timeout", "同步刷盘时磁盘停滞：FLUSH_DISK_TIMEOUT", "同步刷盘（SYNC_FLUSH）下，刷盘未在 syncFlushTimeout 内完成时返回 FLUSH_DISK_TIMEOUT；消息已在内存中，只有服务器宕机才会丢失。"),
    ("flush-disk-client-timeout", "磁盘停滞，客户端默认超时：抛出异常", "默认 sendMsgTimeout（3 秒）比 syncFlushTimeout（5 秒）短，客户端看到的是异常而不是 FLUSH_DISK_TIMEOUT，尽管消息已经存储。"),
    ("async-flush-power-loss", "异步刷盘：断电丢失 SEND_OK 的消息", "异步刷盘可能导致未持久化的消息丢失：消息发送成功（SEND_OK）本身并不意味着可靠。"),
    ("async-flush-process-crash", "异步刷盘：进程崩溃不丢消息", "Broker 进程崩溃不会丢消息，即使是异步刷盘（ASYNC_FLUSH）：操作系统仍会把页缓存写回磁盘。"),
    ("sync-flush-power-loss", "同步刷盘：断电也不丢", "要严格保证不丢失，需要开启同步刷盘：SYNC_FLUSH 下返回 SEND_OK 的消息已经在磁盘上。"),
    ("book-recommendation", "异步刷盘 + 同步复制：主节点断电也不丢", "《RocketMQ实战与原理解析》建议 ASYNC_FLUSH + SYNC_MASTER：返回 SEND_OK 的消息从节点也有，因此一台机器断电不会丢失已确认的消息。"),
    ("book-recommendation-master-restarts", "书中推荐的配置，但主节点重启了", "从节点的副本只在主节点一直不恢复时才能保护已确认的消息；4.x 的主从模式不会让重启后的主节点与从节点对齐数据。"),
    ("both-machines-lose-power", "两台机器同时断电", "ASYNC_FLUSH + SYNC_MASTER 只有在两台机器都在刷盘窗口内断电时才会丢失已确认的消息。"),
    ("async-master-disk-lost", "异步复制：丢失尚未复制的消息", "异步复制（ASYNC_MASTER）下，主节点磁盘损毁会丢失从节点尚未收到的消息。"),
    ("async-master-push-window", "默认配置下的 ASYNC_MASTER：最后 100 毫秒只在主节点上", "即使从节点健康、链路很快，ASYNC_MASTER 也是每 100 毫秒才复制一次：主节点磁盘损毁会丢失最后一步里返回 SEND_OK 的消息。"),
    ("slave-falls-behind-burst", "突发流量让从节点落后：SLAVE_NOT_AVAILABLE", "突发流量超过复制链路的带宽时，从节点落后超过 haSlaveFallbehindMax，SYNC_MASTER 在从节点正常运行的情况下返回 SLAVE_NOT_AVAILABLE（apache/rocketmq #2528）。"),
    ("transient-store-pool-process-crash", "transientStorePoolEnable：进程崩溃丢失写缓冲区", "开启 transientStorePoolEnable 后，Broker 进程崩溃会丢失仍在堆外写缓冲区中的消息，而普通的 ASYNC_FLUSH Broker 从不会这样。"),
    ("sync-master-disk-lost", "同步复制：主节点磁盘损毁也不丢", "同步复制（SYNC_MASTER）下，返回 SEND_OK 的消息从节点也有，因此主节点磁盘损毁不会丢失这些消息。"),
    ("poison-message-dlq", "毒消息重试 16 次后进入死信队列", "消费失败返回 RECONSUME_LATER 后会重试；默认重试 16 次后，消息进入死信队列。"),
    ("max-reconsume-3", "maxReconsumeTimes = 3：重试 3 次后进入死信队列", "maxReconsumeTimes 决定消费失败的消息在进入死信队列之前重试几次。"),
    ("consumer-crash-duplicates", "消费者宕机导致重复投递", "消费是至少一次（at-least-once）：消费者在消费位点提交到 Broker 之前宕机，会再次收到这些消息。"),
    ("async-send-compensation", "异步发送：持久化后重发进行补偿", "异步发送时，可以在 onException 中把发送失败的消息持久化，之后进行补偿处理。"),
    ("master-down-sync-send", "主节点宕机：同步发送抛异常，消息被丢弃", "同步发送抛出异常时，消息没有到达 Broker；只记录日志的应用就会丢失它。"),
    ("oneway-power-loss", "ONEWAY 发送悄无声息地丢失", "单向发送（oneway）没有响应，因此断电丢失的消息在生产者一侧不留任何痕迹。"),
    ("retry-then-success", "两次 RECONSUME_LATER 后消费成功", "消费者返回 RECONSUME_LATER 后会再次收到该消息，因此暂时性的失败不会丢消息。"),
    ("dlq-compensation", "消费死信队列来补偿毒消息", "死信队列（DLQ）也是一个 Topic，可以通过消费其中的消息来补偿。"),
    ("v5-sync-master-upgrade-trap", "RocketMQ 5：默认配置的 SYNC_MASTER 不再等待从节点", "在 RocketMQ 5.3.3 上，默认配置的 brokerRole = SYNC_MASTER 不等待从节点（inSyncReplicas = 1，包含主节点自己）：主节点磁盘损毁会丢失 4.9.8 能保住的 SEND_OK 消息。"),
    ("v5-grpc-poison-message", "RocketMQ 5 gRPC 消费者：毒消息从 1 秒开始重试，约 2 小时 46 分进入死信队列", "RocketMQ 5 的 gRPC PushConsumer 通过 POP 消费：失败的消息按消费组重试策略从第一档开始退避（1 秒、5 秒、10 秒……），投递 17 次后，约在首次投递 2 小时 46 分后进入 %DLQ%（Remoting 消费者：4 小时 45 分）。"),
    ("v5-slave-unreadable", "RocketMQ 5：默认配置下从节点拒绝所有拉取", "RocketMQ 5.3.3 的从节点在 slaveReadEnable = false（默认）时拒绝所有拉取请求：主节点宕机期间，故障前未消费的消息一条也到不了消费者，与复制配置无关。"),
    ("v5-in-sync-replicas-slave-down", "RocketMQ 5：inSyncReplicas = 2 且从节点宕机：每次发送等待 3 秒", "在 RocketMQ 5.3.3 上，inSyncReplicas = 2 的 SYNC_MASTER 在从节点宕机时，每次发送都要等待 slaveTimeout（3 秒）才返回 FLUSH_SLAVE_TIMEOUT，而 4.9.8 会立即返回 SLAVE_NOT_AVAILABLE。"),
    ("v5-controller-failover-all-ack", "RocketMQ 5 控制器模式 + allAckInSyncStateSet：故障切换不丢已确认的消息", "在 RocketMQ 5.3.3 控制器模式下开启 allAckInSyncStateSet，写入要等 SyncStateSet 中所有成员确认，主节点断电后被选出的从节点持有每条返回 SEND_OK 的消息：一条不丢，消费者也从未读到之后被截断的消息。"),
    ("v5-controller-failover-truncated", "RocketMQ 5 控制器模式默认配置：旧主重新加入时截断尾部", "控制器模式默认配置（inSyncReplicas = 1）下，消息在任何从节点收到之前就已确认：故障切换后旧主以从节点身份重新加入，把日志截断到与新主最后一致的位置，只在它上面的 SEND_OK 消息随之丢失。"),
    ("v5-controller-unclean-election", "RocketMQ 5 控制器模式：非干净选举丢失只在旧主上的消息", "开启 enableElectUncleanMaster 后，SyncStateSet 中没有存活成员时，控制器会选出集合之外的存活副本：写入恢复，但只在旧主上的消息会在旧主重新加入并截断日志时丢失。"),
    ("v5-controller-lost-with-master", "RocketMQ 5 控制器模式：控制器与主节点一起宕机时无人当选", "控制器模式的前提是控制器在故障中存活：主节点宕机时控制器也不可用，就不会选出新主，写入停止，直到控制器恢复并在下一次 5 秒扫描时重新选举。"),
    ("v5-acting-master-degrades", "RocketMQ 5：自动降级在从节点离开后返回 SEND_OK", "在 RocketMQ 5.3.3 上开启从节点代理主节点与自动降级后，从节点同步时发送会等待它，从节点宕机后则以只有主节点的延迟返回 SEND_OK。"),
    ("v5-grpc-flush-disk-stall", "RocketMQ 5 gRPC 生产者，SYNC_FLUSH 下磁盘停滞：每条消息存储三次", "5.x 的 gRPC 生产者没有 SendStatus：Broker 无法及时确认的一次尝试就算失败，客户端立即重发，最多 maxAttempts（3）次；每次尝试其实都已存储，所以在同步刷盘磁盘停滞期间发送的消息会被存储并消费三次，而应用看到的是异常。"),
    ("v5-remoting-flush-disk-stall", "RocketMQ 5 remoting 生产者，SYNC_FLUSH 下磁盘停滞：对照组", "remoting 生产者（DefaultMQProducer）在同样的停滞中每次发送只有一个 sendMsgTimeout 预算，超时后直接抛出异常、不再尝试：每条消息只存储一次，而 gRPC 生产者会存储三次。"),
    ("v5-grpc-master-persistence-timeout", "RocketMQ 5 gRPC 生产者经本地 Proxy：MASTER_PERSISTENCE_TIMEOUT 后立即重发", "Proxy 把 Broker 的 FLUSH_DISK_TIMEOUT 转换为错误码 MASTER_PERSISTENCE_TIMEOUT；gRPC 客户端据此抛出异常并立即重发，于是 Broker 已经存储的消息又被存储了一次。"),
    ("v470-flush-slave-timeout-5s", "RocketMQ 4.7：等待从节点的时间是 syncFlushTimeout，5 秒", "在 RocketMQ 4.7.0 上，主从链路卡住的 SYNC_MASTER 在 syncFlushTimeout（5 秒）后返回 FLUSH_SLAVE_TIMEOUT，即种子笔记里的 5 秒，而不是 4.9.x 的 slaveTimeout（3 秒）；等待中的发送一个接一个地处理。"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::presets;

    fn placeholders(s: &str) -> Vec<usize> {
        (0..6).filter(|i| s.contains(&format!("{{{i}}}"))).collect()
    }

    #[test]
    fn every_key_has_non_empty_text_in_both_languages_with_the_same_blanks() {
        for k in Key::ALL {
            let (e, z) = (en(*k), zh_compiled(*k));
            assert!(!e.trim().is_empty() && !z.trim().is_empty(), "{k:?} has an empty text");
            assert_eq!(placeholders(e), placeholders(z), "{k:?}: blanks differ");
        }
    }

    #[test]
    fn chinese_texts_are_chinese_where_they_have_words() {
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        // A few labels are identifiers or symbols in both languages.
        let same = [Key::KindBroker, Key::UnitPercent, Key::LangZhTitle, Key::LaneJoin, Key::OverflowShort, Key::EpochSub];
        let untranslated: Vec<Key> =
            Key::ALL.iter().copied().filter(|k| !same.contains(k) && (cjk(en(*k)) || !cjk(zh_compiled(*k)))).collect();
        assert!(untranslated.is_empty(), "no Chinese in {untranslated:?}");
    }

    #[test]
    fn every_preset_has_a_chinese_title_and_claim() {
        for p in presets::all() {
            let (title, claim) = preset_text(Lang::Zh, p);
            assert!(PRESETS_ZH.iter().any(|(id, _, _)| *id == p.id), "no zh entry for preset {}", p.id);
            assert_ne!(title, p.title, "{}", p.id);
            assert_ne!(claim, p.claim, "{}", p.id);
        }
        for (id, t, c) in PRESETS_ZH {
            assert!(presets::find(id).is_some(), "zh entry for unknown preset {id}");
            assert!(!t.is_empty() && !c.is_empty());
        }
    }

    /// Each preset has one Chinese row: a second row of an id was never read (the first wins) and
    /// went stale unseen (three ids had two rows, the second's text out of step with the English).
    #[test]
    fn every_preset_id_has_one_chinese_row() {
        let mut ids: Vec<&str> = PRESETS_ZH.iter().map(|(id, _, _)| *id).collect();
        ids.sort_unstable();
        let twice: Vec<&&str> = ids.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
        assert!(twice.is_empty(), "PRESETS_ZH rows more than once: {twice:?}");
    }

    const ZH_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/losslab-zh.txt");

    #[test]
    fn the_zh_file_is_the_catalogue() {
        let want = zh_file_text();
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(ZH_FILE, &want).expect("write www/losslab-zh.txt");
        }
        let have = std::fs::read_to_string(ZH_FILE).unwrap_or_default();
        assert!(have == want, "www/losslab-zh.txt is not this catalogue's Chinese: run UPDATE_EXPECT=1 cargo test -p losslab-web zh_file");
    }

    #[test]
    fn texts_fit_on_one_line_of_the_zh_file() {
        for k in Key::ALL {
            assert!(!zh_compiled(*k).contains(['\n', '\r', '\t']), "{k:?}");
        }
        for (id, t, c) in PRESETS_ZH {
            assert!(![id, t, c].iter().any(|s| s.contains(['\n', '\r', '\t'])), "{id}");
        }
    }

    #[test]
    fn the_zh_file_reads_back_to_the_catalogue() {
        let z = ZhTable::parse(Box::leak(zh_file_text().into_boxed_str())).expect("parse");
        for k in Key::ALL {
            assert_eq!(z.get(*k), zh_compiled(*k), "{k:?}");
            assert_eq!(text_in(Some(&z), Lang::Zh, *k), zh_compiled(*k));
            assert_eq!(text_in(Some(&z), Lang::En, *k), en(*k));
        }
        for p in presets::all() {
            // The first row of an id wins, as in the compiled-in table.
            let first = PRESETS_ZH.iter().find(|(id, _, _)| *id == p.id).map(|(_, t, c)| (*t, *c));
            assert_eq!(z.preset(p.id), first, "{}", p.id);
            assert_eq!(builtin_zh().preset(p.id), first, "{}", p.id);
        }
        assert_eq!(z.preset("no-such-preset"), None);
        assert_eq!(z.core, rmq_sim::text::builtin_zh(), "the core's Chinese sentences");
        assert_eq!(z.tours, rmq_sim::scenario::tour::builtin_tour_zh(), "the tours' Chinese");
    }

    #[test]
    fn chinese_lookups_answer_english_until_the_text_is_there() {
        assert_eq!(text_in(None, Lang::Zh, Key::SummaryHeading), "Summary");
        assert_eq!(text_in(None, Lang::En, Key::SummaryHeading), "Summary");
        assert_eq!(text_in(Some(builtin_zh()), Lang::Zh, Key::SummaryHeading), "汇总");
    }

    #[test]
    fn a_zh_file_of_another_version_or_cut_short_is_refused() {
        let good = zh_file_text();
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let other = good.replacen(&zh_file_header(), "losslab zh 0000000000000000", 1);
        let e = ZhTable::parse(leak(other)).expect_err("another version");
        assert!(e.contains("another version"), "{e}");
        let e = ZhTable::parse(leak("<!doctype html><p>Not found</p>".into())).expect_err("an HTML page");
        assert!(e.contains("another version"), "{e}");
        let cut: String = good.lines().take(10).map(|l| format!("{l}\n")).collect();
        let e = ZhTable::parse(leak(cut)).expect_err("cut short");
        assert!(e.contains("ends after 9 of"), "{e}");
        // Cut inside the core's sentences: refused, never half-installed into the core.
        let cut: String = good.lines().take(Key::ALL.len() + 3).map(|l| format!("{l}\n")).collect();
        let e = ZhTable::parse(leak(cut)).expect_err("cut in the core's sentences");
        assert!(e.contains(&format!("ends after {} of", Key::ALL.len() + 2)), "{e}");
        let bad_preset = format!("{good}defaults only-a-title\n");
        let e = ZhTable::parse(leak(bad_preset)).expect_err("a preset line without tabs");
        assert!(e.contains("id<TAB>title<TAB>claim"), "{e}");
        // The file's name carries the fingerprint, so a cached file of another version is not asked for.
        assert_eq!(zh_file_url("https://x.test/lab/"), format!("https://x.test/lab/losslab-zh.txt?v={:016x}", fingerprint()));
    }

    #[test]
    fn installing_the_zh_text_keeps_a_bad_file_out() {
        // Each test runs on a thread of its own, with its own (empty) installed table.
        assert!(install_zh("not the file".into()).is_err());
        assert!(ZH.with(|z| z.get()).is_none(), "a refused file installs nothing");
        install_zh(zh_file_text()).expect("install");
        let z = ZH.with(|z| z.get()).expect("installed");
        assert_eq!(z.get(Key::Play), "▶ 播放");
        assert_eq!(t(Lang::Zh, Key::Play), "▶ 播放");
        assert_eq!(t(Lang::En, Key::Play), "▶ Play");
    }

    #[test]
    fn only_the_extras_module_and_tests_link_the_compiled_in_chinese() {
        // The lab module's size depends on it: whatever calls builtin_zh links the Chinese column.
        let allowed = ["src/i18n.rs", "src/extras_host.rs", "src/extras_main.rs"];
        let bad: Vec<_> = walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
            .into_iter()
            .map(|e| e.expect("src").into_path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .map(|p| (p.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("rel").to_string_lossy().replace('\\', "/"), p))
            .filter(|(rel, p)| !allowed.contains(&rel.as_str()) && std::fs::read_to_string(p).expect("read").contains("builtin_zh"))
            .map(|(rel, _)| rel)
            .collect();
        assert!(bad.is_empty(), "{bad:?} link the compiled-in Chinese into the lab module");
    }

    #[test]
    fn fill_in_the_blanks() {
        assert_eq!(tf(Lang::En, Key::LogCount, &[&3, &10]), "3 of 10 events");
        assert_eq!(tf(Lang::Zh, Key::LogCount, &[&3, &10]), "3 / 10 个事件");
    }

    #[test]
    fn language_comes_from_the_url_then_the_browser_then_english() {
        let nav = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(negotiate("?lang=zh", &nav(&["en-US"])), Lang::Zh);
        assert_eq!(negotiate("?preset=defaults&lang=en", &nav(&["zh-CN"])), Lang::En);
        assert_eq!(negotiate("?lang=fr", &nav(&["de", "zh-Hans-CN", "en"])), Lang::Zh);
        assert_eq!(negotiate("", &nav(&["fr-FR", "en-GB"])), Lang::En);
        assert_eq!(negotiate("", &nav(&["ja"])), Lang::En);
        assert_eq!(negotiate("", &[]), Lang::En);
        assert_eq!(negotiate("?lang=zh-TW", &[]), Lang::Zh);
    }

    #[test]
    fn setting_a_query_parameter_keeps_the_others() {
        assert_eq!(with_query_param("?preset=a&x=1", "lang", Some("zh")), "?preset=a&x=1&lang=zh");
        assert_eq!(with_query_param("?lang=en&preset=a", "lang", Some("zh")), "?lang=zh&preset=a");
        assert_eq!(with_query_param("?lang=en&preset=a", "preset", None), "?lang=en");
        assert_eq!(with_query_param("", "preset", None), "?");
        assert_eq!(query_param("?a=1&lang=zh", "lang").as_deref(), Some("zh"));
        assert_eq!(query_param("?a=1", "lang"), None);
    }
}
