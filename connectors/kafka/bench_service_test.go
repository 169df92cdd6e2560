package kafka

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/internal/testenv"
)

// filingText returns n bytes of English-like text from a fixed seed, so that
// zstd compresses it about as well as the text of a filing, unlike random
// bytes.
func filingText(n int, seed uint64) []byte {
	words := strings.Fields("the company revenue net income fiscal year quarter increased decreased " +
		"compared with prior period operating expenses cash flows risk factors may adversely affect " +
		"our business results of operations financial condition million billion per share diluted " +
		"customers products services market competition regulation supply chain")
	r := rand.New(rand.NewPCG(seed, seed+1))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(12) == 0 {
			fmt.Fprintf(&b, " %d,%03d", r.IntN(1000), r.IntN(1000))
		}
		b.WriteByte(' ')
	}
	return []byte(b.String()[:n])
}

// BenchmarkServiceThroughput measures produce plus consume through the real
// broker in FINX_KAFKA_BROKERS, with the writer and reader settings of the
// stages (acks=all, zstd, a consumer group with a synchronous commit per
// message). Each iteration is one message of the given size, written either
// one per WriteMessages call, as the extract stage writes its results, or
// 100 per call, as a bulk publish could. It reports messages and megabytes
// per second of the produce-then-consume run.
//
//	FINX_KAFKA_BROKERS=127.0.0.1:19092 go test ./connectors/kafka -run '^$' -bench ServiceThroughput -benchtime 200x
func BenchmarkServiceThroughput(b *testing.B) {
	brokers := strings.Split(testenv.KafkaBrokers(b), ",")
	cfg := Config{Brokers: brokers, Logger: testLogger()}.WithDefaults()
	run := fmt.Sprintf("finx-bench-%d", time.Now().UnixNano())
	for _, size := range []int{4 << 10, 64 << 10, 512 << 10} {
		for _, perCall := range []int{1, 100} {
			name := fmt.Sprintf("size=%dKiB/per_call=%d", size>>10, perCall)
			b.Run(name, func(b *testing.B) {
				topic := fmt.Sprintf("%s.%dk.%d", run, size>>10, perCall)
				benchThroughput(b, cfg, topic, size, perCall)
			})
		}
	}
}

func benchThroughput(b *testing.B, cfg Config, topic string, size, perCall int) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		b.Fatal(err)
	}
	admin := adminClient(cfg)
	group := topic + ".group"
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		admin.DeleteGroups(ctx, &kafkago.DeleteGroupsRequest{GroupIDs: []string{group}})
		admin.DeleteTopics(ctx, &kafkago.DeleteTopicsRequest{Topics: []string{topic}})
	})

	// Eight distinct bodies, so that the broker does not see one repeated
	// message. They are generated before the timer starts.
	bodies := make([][]byte, 8)
	for i := range bodies {
		bodies[i] = filingText(size, uint64(i))
	}
	w := NewWriter(cfg, topic)
	defer w.Close()
	r := NewReader(cfg, group, topic)
	defer r.Close()

	b.SetBytes(int64(size))
	b.ResetTimer()
	start := time.Now()
	for sent := 0; sent < b.N; {
		n := min(perCall, b.N-sent)
		msgs := make([]kafkago.Message, n)
		for i := range msgs {
			msgs[i] = kafkago.Message{Key: fmt.Appendf(nil, "doc-%d", sent+i), Value: bodies[(sent+i)%len(bodies)]}
		}
		if err := w.WriteMessages(ctx, msgs...); err != nil {
			b.Fatalf("write messages %d to %d: %v", sent, sent+n, err)
		}
		sent += n
	}
	produced := time.Since(start)
	for got := 0; got < b.N; got++ {
		msg, err := r.FetchMessage(ctx)
		if err != nil {
			b.Fatalf("fetch message %d of %d: %v", got+1, b.N, err)
		}
		if len(msg.Value) != size {
			b.Fatalf("message %d has %d bytes, want %d", got+1, len(msg.Value), size)
		}
		if err := r.CommitMessages(ctx, msg); err != nil && !errors.Is(err, context.Canceled) {
			b.Fatalf("commit message %d: %v", got+1, err)
		}
	}
	total := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/total.Seconds(), "msgs/s")
	b.ReportMetric(float64(b.N)/produced.Seconds(), "produce_msgs/s")
	b.ReportMetric(float64(b.N)/(total-produced).Seconds(), "consume_msgs/s")
}
