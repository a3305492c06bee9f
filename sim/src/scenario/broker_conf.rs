//! Java-properties `broker.conf` import. (To be written.)
