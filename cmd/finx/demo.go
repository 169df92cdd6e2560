package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"golang.org/x/term"

	"github.com/finx-dev/finx/connectors/blob"
	"github.com/finx-dev/finx/connectors/files"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serviceFlags
	var lf logFlags
	sf.registerKafka(fs, "finx-demo")
	sf.registerSink(fs)
	lf.register(fs)
	workers := fs.Int("workers", 0, "documents extracted at once; 0 means one per CPU")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up when documents are still unaccounted for after this long")
	provider := registerProviderFlags(fs)
	historyDir := fs.String("history", "", historyUsage+"; default OUT/history with the file sink, kept in memory for the run with --clickhouse; \"off\" turns change tracking off")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx demo [flags] [PATH...]")
		fmt.Fprintln(stderr, "Publishes every PDF, HTML, inline XBRL and EDGAR .txt document under PATH (default fixtures)")
		fmt.Fprintln(stderr, "to filings.raw, extracts risks, numbers and guidance, and loads the results. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"fixtures"}
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	hist, err := demoHistory(*historyDir, sf.out, sf.clickhouse != "")
	if err != nil {
		return err
	}
	extract, prov, err := newExtractor(*provider, logger, hist)
	if err != nil {
		return err
	}

	kcfg, stopBroker, where, err := connectKafka(ctx, &sf, logger, true)
	if err != nil {
		return err
	}
	defer stopBroker()
	blobs, err := sf.openBlobs()
	if err != nil {
		return err
	}
	sk, sinkWhere, err := sf.openSink(ctx, logger, nil, true)
	if err != nil {
		return err
	}
	defer sk.Close()
	fmt.Fprintf(stderr, "finx demo: %s; results to %s\n", where, sinkWhere)

	// Stages run until stagesCtx ends; they then finish the messages in
	// flight, commit them and return.
	stagesCtx, stopStages := context.WithCancel(ctx)
	defer stopStages()
	st := stages{groupPrefix: sf.groupPrefix}
	defer st.Close()
	tr := newTracker()
	// On a shared cluster the topics hold other runs' messages too; the
	// demo's own consumer groups skip them and handle only its documents.
	extractStage := st.extract(kcfg, blobs, extract, *workers, logger, nil)
	extractStage.Accept = tr.owns
	loadStage := st.load(kcfg, sk, logger, nil, tr.onLoaded)
	loadStage.Accept = tr.owns
	loadStage.Blobs = blobs
	recorder := st.deadLetters(kcfg, sk, logger, tr.onDead)
	recorder.Accept = tr.owns
	runners := []interface{ Run(context.Context) error }{extractStage, loadStage, recorder}
	stageErrs := make(chan error, len(runners))
	var wg sync.WaitGroup
	for _, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Run(stagesCtx); err != nil {
				stageErrs <- err
				stopStages()
			}
		}()
	}

	walked, pubErr := publish(ctx, kcfg, blobs, paths, tr, logger, &st)

	var stopProgress chan struct{}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		stopProgress = make(chan struct{})
		go progress(stderr, tr, stopProgress)
	}
	waitErr := pubErr
	if waitErr == nil {
		waitErr = waitAccounted(ctx, tr, stageErrs, *timeout)
	}
	if stopProgress != nil {
		close(stopProgress)
	}
	stopStages()
	wg.Wait()
	close(stageErrs)
	for err := range stageErrs {
		waitErr = errors.Join(waitErr, err)
	}

	tr.summary(stdout, paths)
	if len(walked.Skipped) > 0 {
		fmt.Fprintln(stdout, "\nskipped:")
		for _, s := range walked.Skipped {
			fmt.Fprintf(stdout, "  %s: %s\n", printable(relativeTo(s.Path, paths)), s.Reason)
		}
	}
	published, _, loaded, dead := tr.counts()
	fmt.Fprintf(stdout, "\n%d published, %d loaded, %d dead-lettered, %d skipped (not filing documents or duplicates); %d alerts published to %s\n",
		published, loaded, dead, len(walked.Skipped), extractStage.Alerted(), kafka.TopicRiskFlags)
	if line := usageLine(prov); line != "" {
		fmt.Fprintln(stdout, line)
	}
	if sf.clickhouse == "" {
		fmt.Fprintf(stdout, "rows: %s (load with clickhouse-client: see README)\n", sf.out)
	}
	if missing := tr.missing(); len(missing) > 0 {
		fmt.Fprintf(stderr, "finx demo: %d documents were neither loaded nor dead-lettered:\n", len(missing))
		for _, m := range missing {
			fmt.Fprintln(stderr, "  ", m)
		}
		if waitErr != nil {
			fmt.Fprintln(stderr, "finx demo:", waitErr)
		}
		return exitError{1}
	}
	if waitErr != nil && !errors.Is(waitErr, context.Canceled) {
		return waitErr
	}
	return nil
}

// publish sends every document under paths to filings.raw. A file that
// cannot be read goes to filings.dlq instead, so the run accounts for it.
func publish(ctx context.Context, cfg kafka.Config, blobs *blob.Store, paths []string, tr *tracker, logger *slog.Logger, st *stages) (files.Result, error) {
	w := st.writer(cfg, kafka.TopicRaw)
	var backoff pipeline.Backoff
	res, err := files.Walk(ctx, paths, files.Config{}, func(doc files.Document) error {
		msg, err := kafka.EncodeFiling(ctx, doc.Filing, doc.Content, cfg.InlineLimit, blobs)
		if err != nil {
			return fmt.Errorf("publish %s: %w", doc.Filing.SourcePath, err)
		}
		// Track before producing, so that the stages accept the message as
		// soon as it arrives.
		tr.publish(doc.Filing.DocID, doc.Filing.SourcePath)
		err = backoff.Do(ctx, logger, "produce filing", func(ctx context.Context) error {
			return w.WriteMessages(ctx, msg)
		})
		if err != nil {
			return fmt.Errorf("publish %s: %w", doc.Filing.SourcePath, err)
		}
		logger.Debug("published", "doc_id", doc.Filing.DocID, "source", doc.Filing.SourcePath, "media_type", doc.Filing.MediaType)
		return nil
	})
	if len(res.Unreadable) == 0 {
		return res, err
	}
	dlq := st.writer(cfg, kafka.TopicDLQ)
	for _, u := range res.Unreadable {
		logger.Warn("dead letter", "stage", schemas.StagePublish, "source", u.Path, "reason", "unreadable", "err", u.Err)
		value, mErr := schemas.Marshal(schemas.SchemaDeadLetter, schemas.DeadLetter{
			SchemaVersion: schemas.SchemaVersion,
			SourcePath:    u.Path,
			Stage:         schemas.StagePublish,
			Reason:        "unreadable",
			Error:         unreadableText(u),
			Partition:     -1,
			Offset:        -1,
			Attempts:      1,
			FailedAt:      time.Now().UTC(),
		})
		tr.publish(unreadableKey(u.Path), u.Path)
		if mErr == nil {
			mErr = backoff.Do(ctx, logger, "produce dead letter", func(ctx context.Context) error {
				return dlq.WriteMessages(ctx, kafkago.Message{
					Key:     []byte(u.Path),
					Value:   value,
					Headers: []kafkago.Header{{Key: pipeline.HeaderSchema, Value: []byte(schemas.SchemaDeadLetter)}},
				})
			})
		}
		if mErr != nil {
			return res, errors.Join(err, fmt.Errorf("dead-letter unreadable %s: %w", u.Path, mErr))
		}
	}
	return res, err
}

// waitAccounted returns when every published document is loaded or
// dead-lettered, a stage fails, ctx ends or the timeout passes.
func waitAccounted(ctx context.Context, tr *tracker, stageErrs <-chan error, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if published, done, _, _ := tr.counts(); done >= published {
			return nil
		}
		select {
		case <-tr.changed:
		case err := <-stageErrs:
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("timed out after %v waiting for documents to be loaded or dead-lettered", timeout)
		}
	}
}

// unreadableText is the dead-letter error of an unreadable file. An
// *fs.PathError already names the path.
func unreadableText(u files.Unreadable) string {
	var pe *fs.PathError
	if errors.As(u.Err, &pe) {
		return u.Err.Error()
	}
	return fmt.Sprintf("read %s: %v", u.Path, u.Err)
}
