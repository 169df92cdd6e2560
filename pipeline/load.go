package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// LoadStage consumes filings.extracted and writes the results to a Sink in
// batches, committing a batch only after the sink accepted it.
type LoadStage struct {
	Consumer    Consumer
	Sink        Sink
	DeadLetters Producer
	Batch       BatchConfig
	Backoff     Backoff
	Logger      *slog.Logger
	Metrics     *Metrics
	// Blobs fetches the results that travel by reference (HeaderResultBlob).
	// It must read the blob folder of the extract stage. Nil dead-letters
	// such a result with reason no_blob_store.
	Blobs BlobGetter
	// OnLoaded, when set, is called with each batch the sink accepted.
	OnLoaded func(results []*schemas.Result)
	// Accept, when set, selects the messages to load; the others are
	// committed without work.
	Accept func(kafka.Message) bool
	Now    func() time.Time
}

// Run consumes until ctx ends or the sink keeps failing.
func (s *LoadStage) Run(ctx context.Context) error {
	log := stageLogger(s.Logger, schemas.StageLoad)
	return runBatches(ctx, schemas.StageLoad, s.Consumer, s.Batch, s.Backoff, log, func(ctx context.Context, msgs []kafka.Message) error {
		start := time.Now()
		defer func() { s.Metrics.observe(schemas.StageLoad, time.Since(start).Seconds()) }()
		return s.flush(ctx, log, msgs)
	})
}

func (s *LoadStage) flush(ctx context.Context, log *slog.Logger, msgs []kafka.Message) error {
	results := make([]*schemas.Result, 0, len(msgs))
	origin := make([]kafka.Message, 0, len(msgs))
	s.Metrics.receivedN(schemas.StageLoad, len(msgs))
	for _, msg := range msgs {
		if s.Accept != nil && !s.Accept(msg) {
			s.Metrics.message(schemas.StageLoad, "skipped")
			continue
		}
		res, err := decodeResult(ctx, s.Blobs, msg)
		if err != nil && ctx.Err() != nil {
			// A blob read cut short by shutdown is not the message's
			// fault, so the batch stays uncommitted for the next run.
			return &StageError{Stage: schemas.StageLoad, Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Err: err}
		}
		if err != nil {
			if err := s.deadLetter(ctx, log, msg, schemas.Filing{DocID: string(msg.Key)}, ReasonOf(err, reasonInvalidResult), err); err != nil {
				return err
			}
			continue
		}
		results = append(results, res)
		origin = append(origin, msg)
	}
	if len(results) == 0 {
		return nil
	}
	err := retryWhileUnavailable(ctx, log, s.Backoff, msgSinkUnavailable, "sink write", func(ctx context.Context) error {
		return s.Sink.Write(ctx, results)
	})
	if err == nil {
		s.loaded(results)
		return nil
	}
	if ctx.Err() != nil {
		last := msgs[len(msgs)-1]
		return &StageError{Stage: schemas.StageLoad, Topic: last.Topic, Partition: last.Partition, Offset: last.Offset, Err: err}
	}

	// The sink rejected the batch: store the results one at a time, so that
	// only the ones it rejects go to the dead-letter topic.
	log.LogAttrs(ctx, slog.LevelWarn, "batch rejected, writing one result at a time",
		slog.Int("results", len(results)), slog.Any("err", err))
	for i, res := range results {
		one := []*schemas.Result{res}
		err := retryWhileUnavailable(ctx, log, s.Backoff, msgSinkUnavailable, "sink write", func(ctx context.Context) error {
			return s.Sink.Write(ctx, one)
		})
		if err == nil {
			s.loaded(one)
			continue
		}
		if ctx.Err() != nil {
			return &StageError{Stage: schemas.StageLoad, Topic: origin[i].Topic, Partition: origin[i].Partition, Offset: origin[i].Offset, Err: err}
		}
		if err := s.deadLetter(ctx, log, origin[i], res.Filing, "sink_write_failed", fmt.Errorf("write %s: %w", res.Filing.SourcePath, err)); err != nil {
			return err
		}
	}
	return nil
}

func (s *LoadStage) loaded(results []*schemas.Result) {
	for range results {
		s.Metrics.message(schemas.StageLoad, "ok")
	}
	if s.OnLoaded != nil {
		s.OnLoaded(results)
	}
}

func (s *LoadStage) deadLetter(ctx context.Context, log *slog.Logger, msg kafka.Message, f schemas.Filing, reason string, cause error) error {
	s.Metrics.message(schemas.StageLoad, "dead_letter")
	s.Metrics.deadLetter(schemas.StageLoad, reason)
	log.LogAttrs(ctx, slog.LevelWarn, "dead letter", slog.String("doc_id", f.DocID), slog.String("reason", reason), slog.Any("err", cause))
	return sendDeadLetter(ctx, log, s.DeadLetters, s.Backoff, msg, schemas.DeadLetter{
		SchemaVersion: schemas.SchemaVersion,
		DocID:         f.DocID,
		SourcePath:    f.SourcePath,
		Stage:         schemas.StageLoad,
		Reason:        reason,
		Error:         cause.Error(),
		Topic:         msg.Topic,
		Partition:     msg.Partition,
		Offset:        msg.Offset,
		Attempts:      1,
		FailedAt:      nowUTC(s.Now),
	})
}

// decodeResult reads the result JSON of a filings.extracted message, from
// the value or from the blob store (see resultJSON), and validates it
// against the result schema before decoding it, so that a malformed message
// is dead-lettered rather than loaded.
func decodeResult(ctx context.Context, blobs BlobGetter, msg kafka.Message) (*schemas.Result, error) {
	value, err := resultJSON(ctx, blobs, msg)
	if err != nil {
		return nil, err
	}
	if err := schemas.ValidateJSON(schemas.SchemaResult, value); err != nil {
		return nil, fmt.Errorf("message %s/%d@%d: %w", msg.Topic, msg.Partition, msg.Offset, err)
	}
	var res schemas.Result
	if err := json.Unmarshal(value, &res); err != nil {
		return nil, fmt.Errorf("message %s/%d@%d: decode result: %w", msg.Topic, msg.Partition, msg.Offset, err)
	}
	return &res, nil
}

// DeadLetterRecorder consumes filings.dlq and stores each dead letter in the
// sink, so that failures are queryable beside the results.
type DeadLetterRecorder struct {
	Consumer Consumer
	Sink     Sink
	Batch    BatchConfig
	Backoff  Backoff
	Logger   *slog.Logger
	// OnRecorded, when set, is called with each batch the sink accepted.
	OnRecorded func(letters []schemas.DeadLetter)
	// Accept, when set, selects the messages to record; the others are
	// committed without work.
	Accept func(kafka.Message) bool
}

// Run consumes until ctx ends or the sink keeps failing. A message on the
// dead-letter topic that is not a dead letter is logged and skipped, because
// sending it back to the same topic would loop.
func (r *DeadLetterRecorder) Run(ctx context.Context) error {
	log := stageLogger(r.Logger, "dead_letters")
	return runBatches(ctx, "dead_letters", r.Consumer, r.Batch, r.Backoff, log, func(ctx context.Context, msgs []kafka.Message) error {
		letters := make([]schemas.DeadLetter, 0, len(msgs))
		for _, msg := range msgs {
			if r.Accept != nil && !r.Accept(msg) {
				continue
			}
			var dl schemas.DeadLetter
			err := schemas.ValidateJSON(schemas.SchemaDeadLetter, msg.Value)
			if err == nil {
				err = json.Unmarshal(msg.Value, &dl)
			}
			if err != nil {
				log.LogAttrs(ctx, slog.LevelError, "skipping malformed dead letter",
					slog.String("topic", msg.Topic), slog.Int("partition", msg.Partition),
					slog.Int64("offset", msg.Offset), slog.Any("err", err))
				continue
			}
			letters = append(letters, dl)
		}
		if len(letters) == 0 {
			return nil
		}
		err := retryWhileUnavailable(ctx, log, r.Backoff, msgSinkUnavailable, "sink write dead letters", func(ctx context.Context) error {
			return r.Sink.WriteDeadLetters(ctx, letters)
		})
		if err != nil {
			last := msgs[len(msgs)-1]
			return &StageError{Stage: "dead_letters", Topic: last.Topic, Partition: last.Partition, Offset: last.Offset, Err: err}
		}
		if r.OnRecorded != nil {
			r.OnRecorded(letters)
		}
		return nil
	})
}

func stageLogger(l *slog.Logger, stage string) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.With("stage", stage)
}

func nowUTC(now func() time.Time) time.Time {
	if now == nil {
		return time.Now().UTC()
	}
	return now().UTC()
}
