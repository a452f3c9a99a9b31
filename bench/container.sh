#!/usr/bin/env bash
# The container image, built and run (issue 29): `make image`, then in the image `vericlaim demo`, then
# `vericlaim serve` without a token (refused: the image binds 0.0.0.0), then with a token, probed from the host with curl (GET /v1/ready, an upload refused without the
# token and accepted with it, a claim on that document and one on the demo collection), then stopped.
#
#   bench/container.sh                                   # build (make image) and run
#   REUSE=1 bench/container.sh                           # run the image already built (builds it if missing)
#   MAKE_ARGS="BASE_IMAGE=python:3.11-slim-bookworm" bench/container.sh   # other make image variables
#   ENGINE=docker IMAGE=vericlaim:cpu bench/container.sh
# Other knobs: PORT (host port, default 18000), WORK (logs and the runs' /data; default a fresh temporary folder),
# READY_SECONDS (how long serve may take to answer /v1/ready, default 300).
#
# Containers start with `$ENGINE run` wherever that works. Where the sandbox refuses to start them (gVisor here:
# crun's setrlimit of RLIMIT_NOFILE and RLIMIT_NPROC is refused, and with those dropped, crun refuses its cgroup
# set-up; `--ulimit host` and `--cgroups disabled` do not help), the script says so and runs the same commands in
# a chroot of the image's files instead: `podman create` + `podman mount` (the image under a writable container
# layer; nothing is started), /proc, /dev and /sys bound in, the image's Env and WorkingDir applied by hand, and
# the host's network (serve binds PORT on the host itself). That needs podman and root.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${ENGINE:-$(command -v podman >/dev/null 2>&1 && echo podman || echo docker)}
IMAGE=${IMAGE:-localhost/vericlaim:latest}
PORT=${PORT:-18000}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/vericlaim-container.XXXXXX")}
READY_SECONDS=${READY_SECONDS:-300}
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$WORK/data"
say() { printf '\n== %s\n' "$*"; }

# --- build --------------------------------------------------------------------------------------------------
if [[ -z ${REUSE:-} ]] || ! "$ENGINE" image inspect "$IMAGE" >/dev/null 2>&1; then
    say "make image IMAGE=$IMAGE ENGINE=$ENGINE ${MAKE_ARGS:-} (log: $WORK/build.log)"
    start=$(date +%s)
    # shellcheck disable=SC2086  # MAKE_ARGS: several VAR=value words
    make image IMAGE="$IMAGE" ENGINE="$ENGINE" ${MAKE_ARGS:-} >"$WORK/build.log" 2>&1 \
        || { tail -40 "$WORK/build.log"; echo "make image failed (log: $WORK/build.log)"; exit 1; }
    tail -3 "$WORK/build.log"
    "$ENGINE" image inspect "$IMAGE" >/dev/null || { echo "make image made no $IMAGE"; exit 1; }
    echo "build time: $(( $(date +%s) - start )) s (make image, the base and the wheels' staging included)"
else
    say "reusing $IMAGE (REUSE=1)"
fi
"$ENGINE" images "$IMAGE"
echo "image size: $("$ENGINE" image inspect --format '{{.Size}}' "$IMAGE" \
    | awk '{printf "%.0f MB (%.2f GiB)", $1 / 1e6, $1 / 2^30}')"

# --- how containers start here ------------------------------------------------------------------------------
MODE=run
if ! "$ENGINE" run --rm -v "$WORK/data:/data" "$IMAGE" true >"$WORK/run-probe.log" 2>&1; then
    MODE=chroot
    say "FALLBACK: '$ENGINE run' cannot start a container here: $(tail -1 "$WORK/run-probe.log")"
    echo "This sandbox refuses the OCI runtime's rlimit and cgroup set-up. The image's files are run in a chroot"
    echo "instead (podman create + podman mount, /proc /dev /sys bound in, the image's Env and WorkingDir, the"
    echo "host's network): the same image and commands, without a container's isolation."
    [[ $ENGINE == *podman && $(id -u) == 0 ]] || { echo "the chroot fallback needs podman and root"; exit 1; }
fi

CTR="" MNT="" SERVER="" NAME="vericlaim-bench-$$"
cleanup() {
    set +e
    if [[ -n $SERVER ]] && kill -0 "$SERVER" 2>/dev/null; then kill "$SERVER"; wait "$SERVER" 2>/dev/null; fi
    [[ $MODE == run ]] && "$ENGINE" rm -f "$NAME" >/dev/null 2>&1
    if [[ -n $MNT ]]; then
        for d in data sys dev proc; do mountpoint -q "$MNT/$d" && umount -R "$MNT/$d"; done
        "$ENGINE" umount "$CTR" >/dev/null
    fi
    [[ -n $CTR ]] && "$ENGINE" rm -f -v "$CTR" >/dev/null 2>&1  # (podman 4.3 notes a healthcheck timer it cannot drop)
}
trap cleanup EXIT

if [[ $MODE == chroot ]]; then
    CTR=$("$ENGINE" create "$IMAGE")
    MNT=$("$ENGINE" mount "$CTR")
    for d in proc sys dev; do mkdir -p "$MNT/$d" && mount --rbind "/$d" "$MNT/$d"; done
    mkdir -p "$MNT/data" && mount --bind "$WORK/data" "$MNT/data"
    mapfile -t IMAGE_ENV < <("$ENGINE" image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" \
        | sed '/^$/d')
    WORKDIR=$("$ENGINE" image inspect --format '{{.Config.WorkingDir}}' "$IMAGE")
    CHROOT=$(command -v chroot)  # env -i leaves no PATH: chroot is in /usr/sbin
    echo "image files at $MNT (container $CTR); /data is $WORK/data"
fi

# in_image COMMAND...: COMMAND in the image, in the foreground, with /data on $WORK/data
in_image() {
    if [[ $MODE == run ]]; then
        "$ENGINE" run --rm -v "$WORK/data:/data" "$IMAGE" "$@"
    else
        env -i HOME=/root "${IMAGE_ENV[@]}" "$CHROOT" "$MNT" /bin/sh -c 'cd "$0" && exec "$@"' "${WORKDIR:-/}" "$@"
    fi
}

# --- vericlaim demo -----------------------------------------------------------------------------------------
say "vericlaim demo, in the image ($MODE; log: $WORK/demo.log)"
start=$(date +%s)
in_image vericlaim demo 2>&1 | tee "$WORK/demo.log"
echo "demo: $(( $(date +%s) - start )) s"
if grep -q "cannot export the embedding model" "$WORK/demo.log"; then
    echo "WARNING: the image's ONNX graph was not found (the embedder fell back to sentence-transformers)"
fi

# --- vericlaim serve without a token: the image binds 0.0.0.0, so it must refuse ------------------------------
say "vericlaim serve without a token, in the image ($MODE): refused, as on the host"
if [[ $MODE == run ]]; then
    refused=$("$ENGINE" run --rm "$IMAGE" vericlaim serve 2>&1) && rc=0 || rc=$?
else
    refused=$(in_image vericlaim serve 2>&1) && rc=0 || rc=$?
fi
echo "exit $rc: $(printf '%s' "$refused" | tail -1)"
[[ $rc -ne 0 ]] || { echo "serve started on 0.0.0.0 without a token"; exit 1; }

# --- vericlaim serve, with a token, probed from the host ----------------------------------------------------
say "vericlaim serve with VERICLAIM_API_TOKEN, host port $PORT ($MODE; log: $WORK/serve.log)"
start=$(date +%s)
if [[ $MODE == run ]]; then
    "$ENGINE" run -d --name "$NAME" -p "$PORT:8000" -v "$WORK/data:/data" -e VERICLAIM_API_TOKEN="$TOKEN" "$IMAGE" \
        >/dev/null
    "$ENGINE" logs -f "$NAME" >"$WORK/serve.log" 2>&1 &
    alive() { [[ $("$ENGINE" inspect --format '{{.State.Running}}' "$NAME" 2>/dev/null) == true ]]; }
else
    # a simple command, so that $! is the server itself (env, chroot and sh exec into it)
    env -i HOME=/root "${IMAGE_ENV[@]}" VERICLAIM_API_TOKEN="$TOKEN" "$CHROOT" "$MNT" \
        /bin/sh -c 'cd "$0" && exec "$@"' "${WORKDIR:-/}" vericlaim serve --port "$PORT" >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    alive() { kill -0 "$SERVER" 2>/dev/null; }
fi
URL=http://127.0.0.1:$PORT
code=000
for _ in $(seq "$READY_SECONDS"); do
    code=$(curl -s -o "$WORK/ready.json" -w '%{http_code}' "$URL/v1/ready" || true)
    [[ $code == 200 ]] && break
    alive || { tail -30 "$WORK/serve.log"; echo "serve exited before it was ready"; exit 1; }
    sleep 1
done
echo "GET /v1/ready -> HTTP $code after $(( $(date +%s) - start )) s: $(cat "$WORK/ready.json" 2>/dev/null)"
[[ $code == 200 ]] || { tail -30 "$WORK/serve.log"; exit 1; }

DOC='{"doc_id": "memo.md", "text": "Northwind has spent well over $500 million on compute since 2022."}'
code=$(curl -s -o "$WORK/upload-refused.json" -w '%{http_code}' "$URL/v1/documents" \
    -H 'content-type: application/json' -d "$DOC")
echo "POST /v1/documents without the token -> HTTP $code: $(cat "$WORK/upload-refused.json")"
[[ $code == 401 || $code == 403 ]] || { echo "an upload without the token was not refused"; exit 1; }
code=$(curl -s -o "$WORK/upload.json" -w '%{http_code}' "$URL/v1/documents" -H "Authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' -d "$DOC")
echo "POST /v1/documents with the token -> HTTP $code: $(cat "$WORK/upload.json")"
[[ $code == 200 || $code == 201 ]] || exit 1

check() {  # check NAME JSON-BODY: POST /v1/check, its verdict in one line
    local code
    code=$(curl -s -o "$WORK/$1.json" -w '%{http_code}' "$URL/v1/check" -H 'content-type: application/json' -d "$2")
    printf 'POST /v1/check %s -> HTTP %s: ' "$2" "$code"
    if command -v python3 >/dev/null; then
        python3 - "$WORK/$1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if "verdict" not in r:
    print(r)
    raise SystemExit
quote = (r.get("citations") or [{}])[0]
print(f"{r['verdict']} (confidence {r['confidence']:.2f}, decided by {r.get('decided_by')}, "
      f"{r.get('timings', {}).get('total_ms', 0):.0f} ms); cites {quote.get('doc_id')} {quote.get('quote')!r}")
PY
    else
        cat "$WORK/$1.json"; echo
    fi
    [[ $code == 200 ]]
}
check claim '{"claim": "Northwind spent over half a billion dollars on compute", "top_k": 5}'
check demo-claim '{"claim": "Kestrel holds 12,288 H100 GPUs.", "collection": "demo", "top_k": 5}'

say "stopping serve"
if [[ $MODE == run ]]; then
    "$ENGINE" stop -t 30 "$NAME" >/dev/null
else
    kill "$SERVER"; wait "$SERVER" || true; SERVER=""
fi
echo "stopped; logs and results in $WORK"
