package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// FilingDecoder reads a filings.raw message back into its envelope and
// content, fetching the content from the blob store when it travelled by
// reference.
type FilingDecoder func(ctx context.Context, msg kafka.Message) (schemas.Filing, []byte, error)

// Extractor parses one document and runs the extraction passes on it. Its
// errors are permanent for that document: parsing the same bytes again gives
// the same error, so the message goes to the dead-letter topic.
type Extractor func(ctx context.Context, f schemas.Filing, content []byte) (*schemas.Result, error)

// ExtractStage consumes filings.raw and publishes one result per document to
// filings.extracted, its alerts (see Alerts) to risk.flags, and each document
// that fails to filings.dlq.
type ExtractStage struct {
	Consumer    Consumer
	Results     Producer
	Flags       Producer
	DeadLetters Producer
	Decode      FilingDecoder
	Extract     Extractor
	// Accept, when set, selects the messages to extract; the others are
	// committed without work. The demo uses it to handle only the documents
	// it published itself.
	Accept func(kafka.Message) bool
	// Workers is the number of documents extracted at once; zero means
	// GOMAXPROCS.
	Workers int
	// DocumentTimeout bounds the extraction of one document; zero means 5m.
	// A document that runs over it is dead-lettered with reason
	// extract_timeout.
	DocumentTimeout time.Duration
	// DrainTimeout bounds how long documents in flight may still finish
	// after ctx ends; zero means 30s. Those that do not finish in time are
	// left uncommitted and are delivered again after a restart.
	DrainTimeout time.Duration
	Backoff      Backoff
	Logger       *slog.Logger
	Metrics      *Metrics
	// Blobs stores each result whose JSON is larger than ResultInlineLimit,
	// and the message then carries HeaderResultBlob with an empty value.
	// With nil Blobs every result travels inline, so a broker whose message
	// limit is below the result's size rejects it (dead letter
	// produce_failed).
	Blobs BlobPutter
	// ResultInlineLimit is the largest result JSON in bytes that travels in
	// the message value. Zero means DefaultResultInlineLimit (512 KiB).
	ResultInlineLimit int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	flagged atomic.Int64
	alerted atomic.Int64
}

// Flagged returns how many high_severity_risk alerts the stage has
// published to risk.flags.
func (s *ExtractStage) Flagged() int64 { return s.flagged.Load() }

// Alerted returns how many alerts of every kind the stage has published to
// risk.flags.
func (s *ExtractStage) Alerted() int64 { return s.alerted.Load() }

type extractJob struct {
	msg  kafka.Message
	done chan struct{}
	err  error
}

// Run consumes until ctx ends or a produce or commit fails for good. When ctx
// ends it stops fetching, finishes and commits the documents in flight, and
// returns nil.
func (s *ExtractStage) Run(ctx context.Context) error {
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	log := s.logger()

	// work outlives ctx so that documents in flight finish and commit on
	// shutdown; cancelWork stops it when a stage error ends the run.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	drain := s.DrainTimeout
	if drain <= 0 {
		drain = 30 * time.Second
	}
	go func() {
		select {
		case <-ctx.Done():
		case <-work.Done():
			return
		}
		t := time.NewTimer(drain)
		defer t.Stop()
		select {
		case <-t.C:
			log.Warn("drain timed out; documents in flight stay uncommitted", "drain_timeout", drain)
			cancelWork()
		case <-work.Done():
		}
	}()

	fetchCtx, cancelFetch := context.WithCancel(ctx)
	defer cancelFetch()

	jobs := make(chan *extractJob, workers)
	order := make(chan *extractJob, workers)
	var wg sync.WaitGroup
	var fetchErr error

	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		for {
			msg, err := fetch(fetchCtx, log, s.Backoff, s.Consumer)
			if err != nil {
				if fetchCtx.Err() == nil {
					fetchErr = fmt.Errorf("pipeline: extract stage fetch: %w", err)
				}
				return
			}
			j := &extractJob{msg: msg, done: make(chan struct{})}
			select {
			case order <- j:
			case <-work.Done():
				return
			}
			jobs <- j
		}
	}()

	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if work.Err() != nil {
					j.err = work.Err()
				} else {
					j.err = s.handle(work, j.msg)
				}
				close(j.done)
			}
		}()
	}

	// Commit in fetch order, so that a committed offset never skips a
	// message whose outcome is not stored yet.
	var stageErr error
	for j := range order {
		<-j.done
		if j.err != nil {
			stageErr = j.err
			break
		}
		err := retryWhileUnavailable(work, log, s.Backoff, msgKafkaUnavailable, "commit", func(ctx context.Context) error {
			return s.Consumer.CommitMessages(ctx, j.msg)
		})
		if err != nil {
			stageErr = &StageError{Stage: schemas.StageExtract, Topic: j.msg.Topic, Partition: j.msg.Partition, Offset: j.msg.Offset, Err: fmt.Errorf("commit: %w", err)}
			break
		}
	}
	if stageErr != nil {
		cancelFetch()
		cancelWork()
	}
	for range order {
		// Drain so the fetcher can exit; these messages stay uncommitted.
	}
	wg.Wait()
	if stageErr != nil {
		return stageErr
	}
	return fetchErr
}

func (s *ExtractStage) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger.With("stage", schemas.StageExtract)
}

func (s *ExtractStage) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// handle extracts one message. It returns an error only when the outcome
// could not be stored; a failed document is dead-lettered and returns nil.
func (s *ExtractStage) handle(ctx context.Context, msg kafka.Message) error {
	start := time.Now()
	defer func() { s.Metrics.observe(schemas.StageExtract, time.Since(start).Seconds()) }()
	s.Metrics.receivedN(schemas.StageExtract, 1)
	log := s.logger().With("topic", msg.Topic, "partition", msg.Partition, "offset", msg.Offset)
	if s.Accept != nil && !s.Accept(msg) {
		s.Metrics.message(schemas.StageExtract, "skipped")
		return nil
	}

	filing, content, err := s.Decode(ctx, msg)
	if err != nil {
		if filing.DocID == "" {
			filing.DocID = string(msg.Key)
		}
		return s.deadLetter(ctx, log, msg, filing, ReasonOf(err, "decode_failed"), err)
	}
	log = log.With("doc_id", filing.DocID, "source", filing.SourcePath)

	res, err := s.extract(ctx, filing, content)
	if err != nil && ctx.Err() != nil {
		// The stage is stopping, so the document is not at fault: leave it
		// uncommitted for the next run.
		return &StageError{Stage: schemas.StageExtract, Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Err: err}
	}
	if err != nil {
		reason := ReasonOf(err, "extract_failed")
		s.Metrics.extractFailed(reason)
		return s.deadLetter(ctx, log, msg, filing, reason, err)
	}
	res.FillEmpty()
	value, err := schemas.Marshal(schemas.SchemaResult, res)
	if err != nil {
		return s.deadLetter(ctx, log, msg, filing, "invalid_result", fmt.Errorf("result of %s: %w", filing.SourcePath, err))
	}
	out, err := s.resultMessage(ctx, filing.DocID, value)
	if err != nil {
		if ctx.Err() != nil {
			return &StageError{Stage: schemas.StageExtract, Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Err: err}
		}
		return s.deadLetter(ctx, log, msg, filing, reasonBlobPutFailed, fmt.Errorf("result of %s: %w", filing.SourcePath, err))
	}
	if ref := header(out, HeaderResultBlob); ref != "" {
		log.LogAttrs(ctx, slog.LevelDebug, "result stored as blob", slog.String("ref", ref), slog.Int("bytes", len(value)))
	}
	err = retryWhileUnavailable(ctx, log, s.Backoff, msgKafkaUnavailable, "produce result", func(ctx context.Context) error {
		return s.Results.WriteMessages(ctx, out)
	})
	if err != nil {
		if IsTemporary(err) || ctx.Err() != nil {
			return &StageError{Stage: schemas.StageExtract, Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Err: fmt.Errorf("produce result: %w", err)}
		}
		return s.deadLetter(ctx, log, msg, filing, "produce_failed", fmt.Errorf("produce result of %s (%d bytes): %w", filing.SourcePath, len(value), err))
	}

	if err := s.flag(ctx, log, res); err != nil {
		return &StageError{Stage: schemas.StageExtract, Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Err: err}
	}
	s.Metrics.message(schemas.StageExtract, "ok")
	s.Metrics.result(res)
	log.LogAttrs(ctx, slog.LevelDebug, "extracted",
		slog.Int("risks", len(res.Risks)), slog.Int("metrics", len(res.Metrics)),
		slog.Int("guidance", len(res.Guidance)), slog.Duration("took", time.Since(start)))
	return nil
}

// extract runs the Extractor under the document time limit and turns a
// panic into that document's error, so one bad file cannot stop the stage.
// The Extractor runs in its own goroutine so that the limit holds even when
// it does not watch its context.
//
// NOTE: Go cannot stop a goroutine from outside. An Extractor that ignores
// ctx keeps its CPU after the limit until it returns; its result is dropped.
func (s *ExtractStage) extract(ctx context.Context, f schemas.Filing, content []byte) (*schemas.Result, error) {
	timeout := s.DocumentTimeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	docCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	type outcome struct {
		res *schemas.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o = outcome{err: fmt.Errorf("%w while extracting %s: %v", ErrPanic, f.SourcePath, p)}
			}
			done <- o
		}()
		o.res, o.err = s.Extract(docCtx, f, content)
		if o.err == nil && o.res == nil {
			o.err = fmt.Errorf("pipeline: extractor returned no result for %s", f.SourcePath)
		}
	}()

	select {
	case o := <-done:
		if o.err != nil && ctx.Err() == nil && errors.Is(o.err, context.DeadlineExceeded) {
			return nil, &timeoutError{path: f.SourcePath, limit: timeout, err: o.err}
		}
		return o.res, o.err
	case <-docCtx.Done():
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &timeoutError{path: f.SourcePath, limit: timeout, err: docCtx.Err()}
	}
}

// timeoutError reports a document whose extraction ran over the limit.
type timeoutError struct {
	path  string
	limit time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("pipeline: extracting %s took longer than the %v limit", e.path, e.limit)
}

func (e *timeoutError) Unwrap() error  { return e.err }
func (e *timeoutError) Reason() string { return "extract_timeout" }

// flag publishes the result's alerts to risk.flags (see Alerts) in one
// write, so that they are stored before the input offset is committed.
func (s *ExtractStage) flag(ctx context.Context, log *slog.Logger, res *schemas.Result) error {
	msgs, high, err := alertMessages(res, s.now())
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	err = retryWhileUnavailable(ctx, log, s.Backoff, msgKafkaUnavailable, "produce risk flags", func(ctx context.Context) error {
		return s.Flags.WriteMessages(ctx, msgs...)
	})
	if err != nil {
		return fmt.Errorf("produce %d risk flags: %w", len(msgs), err)
	}
	s.flagged.Add(int64(high))
	s.alerted.Add(int64(len(msgs)))
	return nil
}

func (s *ExtractStage) deadLetter(ctx context.Context, log *slog.Logger, msg kafka.Message, f schemas.Filing, reason string, cause error) error {
	s.Metrics.message(schemas.StageExtract, "dead_letter")
	s.Metrics.deadLetter(schemas.StageExtract, reason)
	log.LogAttrs(ctx, slog.LevelWarn, "dead letter", slog.String("reason", reason), slog.Any("err", cause))
	return sendDeadLetter(ctx, log, s.DeadLetters, s.Backoff, msg, schemas.DeadLetter{
		SchemaVersion: schemas.SchemaVersion,
		DocID:         f.DocID,
		SourcePath:    f.SourcePath,
		Stage:         schemas.StageExtract,
		Reason:        reason,
		Error:         cause.Error(),
		Topic:         msg.Topic,
		Partition:     msg.Partition,
		Offset:        msg.Offset,
		Attempts:      1,
		FailedAt:      s.now(),
	})
}

// sendDeadLetter publishes a dead letter keyed by the original key, with the
// original headers kept so the message can be replayed.
func sendDeadLetter(ctx context.Context, log *slog.Logger, p Producer, b Backoff, msg kafka.Message, dl schemas.DeadLetter) error {
	value, err := json.Marshal(dl)
	if err == nil {
		err = schemas.ValidateJSON(schemas.SchemaDeadLetter, value)
	}
	if err != nil {
		return &StageError{Stage: dl.Stage, Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Err: fmt.Errorf("encode dead letter: %w", err)}
	}
	headers := append([]kafka.Header{
		{Key: HeaderSchema, Value: []byte(schemas.SchemaDeadLetter)},
		{Key: HeaderStage, Value: []byte(dl.Stage)},
	}, msg.Headers...)
	out := kafka.Message{Key: msg.Key, Value: value, Headers: headers}
	err = retryWhileUnavailable(ctx, log, b, msgKafkaUnavailable, "produce dead letter", func(ctx context.Context) error {
		return p.WriteMessages(ctx, out)
	})
	if err != nil {
		return &StageError{Stage: dl.Stage, Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Err: fmt.Errorf("produce dead letter: %w", err)}
	}
	return nil
}
