#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpus (fuzz/corpus/<target>/) from the presets and from
RocketMQ-style broker.conf files. Re-run after adding a preset: `python3 fuzz/make-corpus.py`."""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent
PRESETS = sorted((ROOT.parent / "sim" / "presets").glob("*.toml"))

# Master broker.conf files as RocketMQ 4.9.x ships and operators write them.
BROKER_CONFS = {
    "2m-2s-sync-broker-a.properties": """brokerClusterName=DefaultCluster
brokerName=broker-a
brokerId=0
deleteWhen=04
fileReservedTime=48
brokerRole=SYNC_MASTER
flushDiskType=ASYNC_FLUSH
""",
    "2m-2s-async-broker-a.properties": """brokerClusterName=DefaultCluster
brokerName=broker-a
brokerId=0
deleteWhen=04
fileReservedTime=48
brokerRole=ASYNC_MASTER
flushDiskType=ASYNC_FLUSH
""",
    "sync-flush-tuned.conf": """# A master that flushes every write
brokerClusterName = prod
brokerName = broker-b
brokerId = 0
namesrvAddr = 10.0.0.1:9876;10.0.0.2:9876
listenPort = 10911
storePathRootDir = /data/rocketmq/store
storePathCommitLog = /data/rocketmq/store/commitlog
brokerRole = SYNC_MASTER
flushDiskType = SYNC_FLUSH
syncFlushTimeout = 5000
slaveTimeout = 3000
haSlaveFallbehindMax = 268435456
haHousekeepingInterval = 20000
haSendHeartbeatInterval = 5000
messageDelayLevel = 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h
""",
    "continuation-and-comments.conf": """! Java-properties comment
# another comment
flushIntervalCommitLog:500
flushCommitLogLeastPages = 4
flushCommitLogThoroughInterval=10000
messageDelayLevel=1s 5s \\
    10s 30s 1m
autoCreateTopicEnable=false
""",
    "5x-name.conf": """brokerRole=ASYNC_MASTER
haMaxGapNotInSync=268435456
""",
}


def write(target: str, name: str, data: bytes) -> None:
    d = ROOT / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main() -> None:
    for p in PRESETS:
        text = p.read_text(encoding="utf-8")
        write("scenario_toml", p.name, text.encode())
        # share_link: the link's inflated payload (the target compresses it itself).
        payload = json.dumps({"s": text, "t": 0, "v": {"lang": "en", "speed": "5"}}, separators=(",", ":"))
        write("share_link", p.stem + ".json", payload.encode())
    for name, text in BROKER_CONFS.items():
        write("broker_conf", name, text.encode())


if __name__ == "__main__":
    main()
