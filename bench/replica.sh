#!/bin/sh
# A streaming read replica of this machine's PostgreSQL, for measuring the dashboards'
# router (docs/performance-replica.md). Debian's cluster tools, as root:
#
#   bench/replica.sh start    create (first time) and start 15/replica on port 5433,
#                             a hot standby of 15/main (127.0.0.1:5432)
#   bench/replica.sh status   both clusters, the standby's state and its lag
#   bench/replica.sh stop     stop and drop the replica, and undo this script's line
#                             in the primary's pg_hba.conf
#
# Then REPLICA_DATABASE_URL=postgres://postgres@127.0.0.1:5433/DBNAME points the portal
# at it. A replica of a server replicates every database on it (blkk_bench too).
#
# The primary is left running and unchanged, but for one line in its pg_hba.conf
# (`host replication all 127.0.0.1/32 trust`, marked, removed by `stop`) and a reload
# (not a restart) to read it: "all" in pg_hba's database column does not cover
# replication connections. Its wal_level and max_wal_senders are only checked: with
# wal_level minimal the script stops and says what to set, since changing it means
# restarting a server others use. No replication slot is made, so a replica left
# stopped can never make the primary keep WAL (and fill its disk); a replica that
# falls too far behind is rebuilt by `stop` then `start`.
set -eu

VERSION=${REPLICA_PG_VERSION:-15}
PRIMARY=${REPLICA_PRIMARY_CLUSTER:-main}
PRIMARY_PORT=${REPLICA_PRIMARY_PORT:-5432}
NAME=${REPLICA_CLUSTER:-replica}
PORT=${REPLICA_PORT:-5433}
MARK="# bench/replica.sh: replication from this machine (remove with: bench/replica.sh stop)"
HBA_LINE="host replication all 127.0.0.1/32 trust"

primary_sql() {
    psql -X -w -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc "$1"
}

replica_sql() {
    psql -X -w -h 127.0.0.1 -p "$PORT" -U postgres -Atc "$1"
}

exists() {
    pg_lsclusters -h | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n' | grep -q .
}

check_primary() {
    wal_level=$(primary_sql "SHOW wal_level")
    senders=$(primary_sql "SHOW max_wal_senders")
    if [ "$wal_level" = minimal ] || [ "$senders" -lt 2 ]; then
        echo "The primary has wal_level=$wal_level, max_wal_senders=$senders: a standby" >&2
        echo "needs wal_level=replica and max_wal_senders >= 2, which take a restart of" >&2
        echo "$VERSION/$PRIMARY. Set them in its postgresql.conf and restart it when no one" >&2
        echo "else uses it; this script does not restart a shared server." >&2
        exit 1
    fi
    echo "primary $VERSION/$PRIMARY: wal_level=$wal_level, max_wal_senders=$senders (unchanged)"
}

allow_replication() {
    hba=$(primary_sql "SHOW hba_file")
    if grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
        return
    fi
    printf '%s\n%s\n' "$MARK" "$HBA_LINE" >>"$hba"
    primary_sql "SELECT pg_reload_conf()" >/dev/null
    echo "primary: added '$HBA_LINE' to $hba and reloaded (no restart)"
}

forget_replication() {
    hba=$(primary_sql "SHOW hba_file" 2>/dev/null) || return 0
    if grep -qF "$MARK" "$hba"; then
        # The marked line and the rule after it, nothing else.
        awk -v mark="$MARK" -v rule="$HBA_LINE" '
            $0 == mark { skip = 1; next }
            skip && $0 == rule { skip = 0; next }
            { skip = 0; print }
        ' "$hba" >"$hba.tmp"
        cat "$hba.tmp" >"$hba" && rm -f "$hba.tmp"
        primary_sql "SELECT pg_reload_conf()" >/dev/null
        echo "primary: removed this script's replication line from $hba and reloaded"
    fi
}

wait_streaming() {
    i=0
    while [ $i -lt 120 ]; do
        state=$(replica_sql "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)
        if [ "$state" = streaming ]; then
            echo "replica $VERSION/$NAME: streaming from 127.0.0.1:$PRIMARY_PORT on port $PORT"
            return
        fi
        i=$((i + 1))
        sleep 1
    done
    echo "replica $VERSION/$NAME did not start streaming; see /var/log/postgresql/postgresql-$VERSION-$NAME.log" >&2
    exit 1
}

start() {
    check_primary
    allow_replication
    if exists; then
        pg_ctlcluster "$VERSION" "$NAME" start 2>/dev/null || true
        wait_streaming
        return
    fi
    # A cluster of Debian's (config in /etc/postgresql/$VERSION/$NAME, logs, port),
    # whose fresh data directory is replaced by a copy of the primary's. -R writes
    # standby.signal and primary_conninfo: a hot standby that streams WAL.
    pg_createcluster "$VERSION" "$NAME" -p "$PORT" >/dev/null
    # Who may connect: as to the primary (a new cluster would ask for passwords).
    cp "$(primary_sql "SHOW hba_file")" "/etc/postgresql/$VERSION/$NAME/pg_hba.conf"
    data=/var/lib/postgresql/$VERSION/$NAME
    rm -rf "${data:?}"/*
    runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres \
        -D "$data" -R -X stream -c fast
    pg_ctlcluster "$VERSION" "$NAME" start
    wait_streaming
}

status() {
    pg_lsclusters
    if ! exists; then
        echo "no replica cluster $VERSION/$NAME"
        return
    fi
    echo "primary's view (pg_stat_replication):"
    primary_sql "SELECT application_name, state, write_lag, flush_lag, replay_lag,
        pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS bytes_behind
        FROM pg_stat_replication" || true
    echo "replica's view (in recovery, receiver, last replay):"
    replica_sql "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver),
        pg_last_xact_replay_timestamp()" || true
}

stop() {
    if exists; then
        pg_ctlcluster "$VERSION" "$NAME" stop -m fast 2>/dev/null || true
        pg_dropcluster "$VERSION" "$NAME"
        echo "replica $VERSION/$NAME stopped and dropped"
    fi
    forget_replication
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) status ;;
*)
    echo "usage: $0 [start|stop|status]" >&2
    exit 2
    ;;
esac
