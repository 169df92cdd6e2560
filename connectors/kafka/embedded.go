package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// EmbeddedMinSessionTimeout is the smallest consumer group session timeout
// the embedded broker accepts. It is below Apache Kafka's 6 s so that tests
// may use short sessions.
const EmbeddedMinSessionTimeout = time.Second

// Embedded is an in-process broker that speaks the Kafka protocol, for the
// demo and for tests. It keeps every record in memory and drops them on
// Close.
type Embedded struct {
	cluster   *kfake.Cluster
	logger    *slog.Logger
	closeOnce sync.Once
}

// StartEmbedded starts a single-broker Kafka-protocol cluster (franz-go's
// kfake) listening on a random port of 127.0.0.1. Its message.max.bytes is
// DefaultMaxMessageBytes, so it accepts every message that a writer with the
// default Config sends. ctx bounds only the start; call Close to stop it.
// A nil logger discards the broker's logs.
func StartEmbedded(ctx context.Context, logger *slog.Logger) (*Embedded, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kafka: start embedded broker: %w", err)
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ClusterID("finx-embedded"),
		kfake.DefaultNumPartitions(DefaultPartitions),
		kfake.GroupMinSessionTimeout(EmbeddedMinSessionTimeout),
		kfake.BrokerConfigs(map[string]string{
			"message.max.bytes": strconv.Itoa(DefaultMaxMessageBytes),
		}),
	}
	if logger != nil {
		logger = logger.With("component", "kfake")
		opts = append(opts, kfake.WithLogger(kfakeLogger{logger}))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka: start embedded broker: %w", err)
	}
	e := &Embedded{cluster: cluster, logger: logger}
	if logger != nil {
		logger.Info("embedded broker started", "addrs", e.Addrs())
	}
	return e, nil
}

// Addrs returns the host:port of each broker, for Config.Brokers.
func (e *Embedded) Addrs() []string { return e.cluster.ListenAddrs() }

// Close stops the broker and drops its data. Connected clients see their
// connections close. Calling Close again does nothing.
func (e *Embedded) Close() {
	e.closeOnce.Do(func() {
		e.cluster.Close()
		if e.logger != nil {
			e.logger.Info("embedded broker stopped")
		}
	})
}

// kfakeLogger maps kfake's levels to slog. kfake's info messages trace
// consumer group steps and failed requests of one client, so they become
// slog debug.
type kfakeLogger struct{ logger *slog.Logger }

func (l kfakeLogger) Logf(level kfake.LogLevel, format string, args ...any) {
	var sl slog.Level
	switch level {
	case kfake.LogLevelNone:
		return
	case kfake.LogLevelError:
		sl = slog.LevelError
	case kfake.LogLevelWarn:
		sl = slog.LevelWarn
	default:
		sl = slog.LevelDebug
	}
	ctx := context.Background()
	if !l.logger.Enabled(ctx, sl) {
		return
	}
	l.logger.Log(ctx, sl, "kfake", "detail", fmt.Sprintf(format, args...))
}
