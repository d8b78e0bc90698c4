# Sourced by the live tests of the eBPF tracer (bpf.sh, bpf-rcu.sh).
# Needs M (the memtally binary), tmp (the test's private directory) and
# NAME (the test's name, for messages).

# start_tracer ARGS...: start `memtally pools --source bpf ARGS...` with
# its output on $tmp/out and its messages on $tmp/err, set mpid, and wait
# until it says it is tracing. Exits 77 in a build without BPF, and fails
# the test when the tracer does not start.
start_tracer() {
	"$M" pools --source bpf "$@" >"$tmp/out" 2>"$tmp/err" &
	mpid=$!
	for _ in $(seq 200); do
		grep -q tracing "$tmp/err" && return 0
		kill -0 $mpid 2>/dev/null || break
		sleep 0.05
	done
	wait $mpid
	mpid=
	if grep -q "built without BPF" "$tmp/err"; then
		echo "$NAME: $(cat "$tmp/err"), skipping"; exit 77
	fi
	echo "FAIL: the tracer did not start: $(cat "$tmp/err")"; exit 1
}
