package clickhouse

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// largeResult returns a result the size of a long 10-K extraction: n risks,
// 4n metrics and n/10 guidance items, all copied from the sample.
func largeResult(seed, n int) *schemas.Result {
	base := sampleResult()
	sum := sha256.Sum256([]byte(strconv.Itoa(seed)))
	base.Filing.DocID = hex.EncodeToString(sum[:])
	risks := make([]schemas.Risk, n)
	metrics := make([]schemas.Metric, 4*n)
	guidance := make([]schemas.Guidance, n/10)
	for i := range risks {
		risks[i] = base.Risks[0]
		risks[i].ID = fmt.Sprintf("%016x", i)
	}
	for i := range metrics {
		metrics[i] = base.Metrics[i%len(base.Metrics)]
		metrics[i].ID = fmt.Sprintf("%016x", i)
	}
	for i := range guidance {
		guidance[i] = base.Guidance[0]
		guidance[i].ID = fmt.Sprintf("%016x", i)
	}
	base.Risks, base.Metrics, base.Guidance = risks, metrics, guidance
	return base
}

func rowCount(res *schemas.Result) int {
	return 1 + len(res.Risks) + len(res.Metrics) + len(res.Guidance)
}

func BenchmarkRows(b *testing.B) {
	res := largeResult(1, 100)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Rows(res); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rowCount(res)*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkFileSinkWrite(b *testing.B) {
	s, err := NewFileSink(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	results := []*schemas.Result{largeResult(1, 100)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Write(ctx, results); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rowCount(results[0])*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSinkWrite writes batches of 10 large results to the server named
// by FINX_CLICKHOUSE_ADDR.
func BenchmarkSinkWrite(b *testing.B) {
	addr := testenv.ClickHouseAddr(b)
	db := fmt.Sprintf("finx_bench_%d", time.Now().UnixNano())
	ctx := context.Background()
	s, err := Open(ctx, Config{Addr: addr, Database: db}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := s.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
			b.Error(err)
		}
		s.Close()
	}()
	results := make([]*schemas.Result, 10)
	rows := 0
	for i := range results {
		results[i] = largeResult(i, 100)
		rows += rowCount(results[i])
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Write(ctx, results); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSinkVsClickHouseClient inserts the same rows into two databases
// of the server named by FINX_CLICKHOUSE_ADDR: with Sink.Write, and with one
// clickhouse-client --query "INSERT ... FORMAT JSONEachRow" per table. It
// reports both rates and their ratio, sink over client. The JSONEachRow
// text is encoded before the timer starts, so the client's time is its
// start, parse and insert only. Each client process takes about 0.1 s to
// start, which dominates the smaller batch; the larger one shows the
// steady state.
func BenchmarkSinkVsClickHouseClient(b *testing.B) {
	for _, n := range []int{20, 100} {
		b.Run(fmt.Sprintf("results=%d", n), func(b *testing.B) { benchSinkVsClient(b, n) })
	}
}

// benchSinkVsClient runs BenchmarkSinkVsClickHouseClient with n results of
// a long 10-K each, about 515 rows per result.
func benchSinkVsClient(b *testing.B, n int) {
	addr := testenv.ClickHouseAddr(b)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		b.Fatal(err)
	}
	client, err := exec.LookPath("clickhouse-client")
	if err != nil {
		b.Fatalf("clickhouse-client is not on PATH (scripts/services start installs it): %v", err)
	}
	ctx := context.Background()
	suffix := time.Now().UnixNano()
	s, err := Open(ctx, Config{Addr: addr, Database: fmt.Sprintf("finx_ch_bench_sink_%d", suffix)}, nil)
	if err != nil {
		b.Fatal(err)
	}
	clientDB := fmt.Sprintf("finx_ch_bench_client_%d", suffix)
	if _, err := Migrate(ctx, Config{Addr: addr, Database: clientDB}, nil, MigrateOptions{}); err != nil {
		b.Fatal(err)
	}
	defer func() {
		for _, db := range []string{s.Database(), clientDB} {
			if err := s.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
				b.Error(err)
			}
		}
		s.Close()
	}()

	results := make([]*schemas.Result, n)
	rows := 0
	batch := make(map[string][]Row)
	for i := range results {
		results[i] = largeResult(i, 100)
		rs, err := Rows(results[i])
		if err != nil {
			b.Fatal(err)
		}
		for table, r := range rs {
			batch[table] = append(batch[table], r...)
			rows += len(r)
		}
	}
	type payload struct {
		table string
		data  []byte
	}
	var payloads []payload
	for _, t := range Tables() {
		if len(batch[t.Name]) == 0 {
			continue
		}
		var buf bytes.Buffer
		for _, row := range batch[t.Name] {
			if err := appendJSONEachRow(&buf, t, row); err != nil {
				b.Fatal(err)
			}
		}
		payloads = append(payloads, payload{t.Name, buf.Bytes()})
	}

	var sinkTime, clientTime time.Duration
	for b.Loop() {
		start := time.Now()
		if err := s.Write(ctx, results); err != nil {
			b.Fatal(err)
		}
		sinkTime += time.Since(start)

		start = time.Now()
		for _, p := range payloads {
			cmd := exec.Command(client, "--host", host, "--port", port, "--query",
				fmt.Sprintf("INSERT INTO %s.%s FORMAT JSONEachRow", clientDB, p.table))
			cmd.Stdin = bytes.NewReader(p.data)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("clickhouse-client insert into %s: %v\n%s", p.table, err, out)
			}
		}
		clientTime += time.Since(start)
	}
	sinkRate := float64(rows*b.N) / sinkTime.Seconds()
	clientRate := float64(rows*b.N) / clientTime.Seconds()
	b.ReportMetric(sinkRate, "sink-rows/s")
	b.ReportMetric(clientRate, "client-rows/s")
	b.ReportMetric(sinkRate/clientRate, "sink/client")
	b.ReportMetric(float64(rows), "rows/op")
}
