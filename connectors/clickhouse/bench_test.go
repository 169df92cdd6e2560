package clickhouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
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
