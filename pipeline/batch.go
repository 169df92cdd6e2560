package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"
)

// BatchConfig bounds a batch by rows and by time.
type BatchConfig struct {
	// DrainTimeout bounds how long the last batch may still be stored after
	// ctx ends; zero means 30s. A batch not stored by then stays uncommitted.
	DrainTimeout time.Duration
	// Rows is the most messages in one batch; zero means 500.
	Rows int
	// Interval is the longest a message waits for its batch to fill; zero
	// means 1s.
	Interval time.Duration
}

func (c BatchConfig) withDefaults() BatchConfig {
	if c.Rows <= 0 {
		c.Rows = 500
	}
	if c.Interval <= 0 {
		c.Interval = time.Second
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 30 * time.Second
	}
	return c
}

// runBatches fetches messages into batches and calls flush for each, then
// commits the batch. A flush error ends the run with nothing of that batch
// committed. When ctx ends, the batch at hand is flushed and committed
// before Run returns nil.
func runBatches(ctx context.Context, stage string, c Consumer, cfg BatchConfig, b Backoff, log *slog.Logger, flush func(ctx context.Context, msgs []kafka.Message) error) error {
	cfg = cfg.withDefaults()
	fetched := make(chan kafka.Message, cfg.Rows)
	fetchErr := make(chan error, 1)
	fetchCtx, cancelFetch := context.WithCancel(ctx)
	defer cancelFetch()
	go func() {
		defer close(fetched)
		for {
			msg, err := fetch(fetchCtx, log, b, c)
			if err != nil {
				if fetchCtx.Err() == nil {
					fetchErr <- err
				}
				return
			}
			select {
			case fetched <- msg:
			case <-fetchCtx.Done():
				return
			}
		}
	}()

	// work outlives ctx so that the last batch is stored and committed on
	// shutdown, for DrainTimeout at most: a sink that is down must not hold
	// the shutdown forever.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	go func() {
		select {
		case <-ctx.Done():
		case <-work.Done():
			return
		}
		t := time.NewTimer(cfg.DrainTimeout)
		defer t.Stop()
		select {
		case <-t.C:
			log.Warn("drain timed out; the last batch stays uncommitted", "drain_timeout", cfg.DrainTimeout)
			cancelWork()
		case <-work.Done():
		}
	}()
	var batch []kafka.Message
	timer := time.NewTimer(cfg.Interval)
	defer timer.Stop()

	commit := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := flush(work, batch); err != nil {
			return err
		}
		last := batch[len(batch)-1]
		err := retryWhileUnavailable(work, log, b, msgKafkaUnavailable, "commit", func(ctx context.Context) error {
			return c.CommitMessages(ctx, batch...)
		})
		if err != nil {
			return &StageError{Stage: stage, Topic: last.Topic, Partition: last.Partition, Offset: last.Offset, Err: fmt.Errorf("commit: %w", err)}
		}
		batch = batch[:0]
		return nil
	}

	for {
		select {
		case msg, ok := <-fetched:
			if !ok {
				if err := commit(); err != nil {
					return err
				}
				select {
				case err := <-fetchErr:
					return fmt.Errorf("pipeline: %s stage fetch: %w", stage, err)
				default:
					return nil
				}
			}
			if len(batch) == 0 {
				timer.Reset(cfg.Interval)
			}
			batch = append(batch, msg)
			if len(batch) >= cfg.Rows {
				if err := commit(); err != nil {
					return err
				}
			}
		case <-timer.C:
			if err := commit(); err != nil {
				return err
			}
		}
	}
}

// fetch reads the next message, waiting out a broker that is down or
// restarting: a temporary fetch error is retried without limit until ctx
// ends. io.EOF, which a closed kafka-go reader returns, ends the fetch.
func fetch(ctx context.Context, log *slog.Logger, b Backoff, c Consumer) (kafka.Message, error) {
	var msg kafka.Message
	err := retryWhileUnavailable(ctx, log, b, msgKafkaUnavailable, "fetch", func(ctx context.Context) error {
		var err error
		msg, err = c.FetchMessage(ctx)
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w (%v)", errClosed, err)
		}
		return err
	})
	return msg, err
}

// errClosed marks a closed consumer, which no retry can help.
var errClosed = errors.New("pipeline: consumer closed")
