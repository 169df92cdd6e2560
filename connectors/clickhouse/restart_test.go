package clickhouse

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// freePort returns a loopback TCP port that nothing listened on a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestSinkRecoversAfterServerRestart stops and restarts a server of its own
// (scripts/services) under an open Sink. The Write while the server is down
// must fail with a temporary error, and the Write after the restart must
// succeed on the same Sink.
func TestSinkRecoversAfterServerRestart(t *testing.T) {
	testenv.ClickHouseAddr(t) // the test needs clickhouse-server, like the other server tests
	if testing.Short() {
		t.Skip("restarts a server of its own, about 15 s")
	}
	tcpPort, httpPort := freePort(t), freePort(t)
	env := append(os.Environ(),
		"FINX_SERVICES=clickhouse",
		"FINX_SERVICES_DIR="+t.TempDir(),
		"FINX_CLICKHOUSE_TCP_PORT="+strconv.Itoa(tcpPort),
		"FINX_CLICKHOUSE_HTTP_PORT="+strconv.Itoa(httpPort))
	services := func(command string) {
		t.Helper()
		cmd := exec.Command("../../scripts/services", command)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("scripts/services %s: %v\n%s", command, err, out)
		}
	}
	services("start")
	t.Cleanup(func() { services("stop") })

	ctx := context.Background()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(tcpPort))
	s, err := Open(ctx, Config{Addr: addr, DialTimeout: 2 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	results := []*schemas.Result{sampleResult()}
	if err := s.Write(ctx, results); err != nil {
		t.Fatalf("Write before the restart: %v", err)
	}

	services("stop")
	err = s.Write(ctx, results)
	var we *WriteError
	if !errors.As(err, &we) {
		t.Fatalf("Write while the server is down: got %v, want a *WriteError", err)
	}
	if !we.Temporary() {
		t.Errorf("Write while the server is down: got Temporary() false for %v, want true", err)
	}

	services("start")
	if err := s.Write(ctx, results); err != nil {
		t.Fatalf("Write after the restart: %v", err)
	}
	if got := queryCount(t, s, "SELECT count() FROM finx.filings"); got != 2 {
		t.Errorf("filings rows: got %d, want 2, one per successful Write", got)
	}
}
