package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/finx-dev/finx/connectors/blob"
	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/connectors/edgar"
	"github.com/finx-dev/finx/internal/review"
	"github.com/finx-dev/finx/schemas"
)

// envServeToken names the variable that holds the review token. It is read
// from the environment only, so that it does not show in process listings.
const envServeToken = "FINX_SERVE_TOKEN"

// listFlag is a repeatable flag. Each value may also be a comma-separated
// list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, splitList(v)...)
	return nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serviceFlags
	var lf logFlags
	var docs listFlag
	sf.registerSink(fs)
	lf.register(fs)
	addr := fs.String("addr", envOr("FINX_SERVE_ADDR", "127.0.0.1:8080"), "listen address host:port of the web application (env FINX_SERVE_ADDR)")
	blobDir := fs.String("blob-dir", envOr("FINX_BLOB_DIR", filepath.Join("finx-out", "blobs")), "blob store folder, searched for documents that are not at their source path (env FINX_BLOB_DIR)")
	fs.Var(&docs, "docs", "folder searched for a filing's source file when it is not at its recorded path; repeat or separate with commas")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx serve [flags]")
		fmt.Fprintln(stderr, "Serves the review web application: filings with highlighted quotes, the review queue and")
		fmt.Fprintln(stderr, "company pages, from ClickHouse (--clickhouse) or the file sink's folder (--out).")
		fmt.Fprintf(stderr, "Decisions need %s in the environment. Without it the server is read-only.\n", envServeToken)
		fmt.Fprintln(stderr, "Run one server with the token per store: the version check that rejects a second")
		fmt.Fprintln(stderr, "decision on the same item works within one process only. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args, 0); err != nil {
		return err
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}

	store, where, err := openReviewStore(ctx, &sf, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	var blobs *blob.Store
	if _, err := os.Stat(*blobDir); err == nil {
		if blobs, err = blob.New(*blobDir); err != nil {
			return err
		}
	}
	reg := newRegistry()
	token := os.Getenv(envServeToken)
	srv, err := review.New(review.Config{
		Store:      store,
		Document:   documentSource(docs, blobs),
		Token:      token,
		Logger:     logger,
		Registerer: reg,
		Gatherer:   reg,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w (set another address with --addr)", *addr, err)
	}
	if host, _, _ := net.SplitHostPort(*addr); !isLoopback(host) {
		logger.Warn("listening beyond this host: the review pages are readable by anyone who can connect", "addr", *addr)
	}
	mode := "read-only (set " + envServeToken + " to allow decisions)"
	if !srv.ReadOnly() {
		mode = "decisions need the token in " + envServeToken
	}
	fmt.Fprintf(stderr, "finx serve: http://%s/ with data from %s; %s\n", ln.Addr(), where, mode)

	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// The first view of a filing parses its source. That took about 2 s
		// for a 160-page 10-K PDF, so 2 minutes leave room for slow disks.
		WriteTimeout: 2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	logger.Info("serve started", "addr", ln.Addr().String(), "store", where, "read_only", srv.ReadOnly())
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		logger.Warn("serve shutdown incomplete", "err", err)
	}
	logger.Info("serve stopped")
	return nil
}

// openReviewStore opens ClickHouse when an address is set, else the file
// sink's folder.
func openReviewStore(ctx context.Context, sf *serviceFlags, logger *slog.Logger) (review.Store, string, error) {
	if sf.clickhouse != "" {
		s, err := review.OpenCHStore(ctx, clickhouse.Config{
			Addr:     sf.clickhouse,
			Database: sf.chDatabase,
			Username: sf.chUser,
			Password: sf.chPassword,
		}, logger)
		if err != nil {
			return nil, "", err
		}
		return s, "ClickHouse " + sf.clickhouse + " database " + sf.chDatabase, nil
	}
	s, err := review.NewFileStore(sf.out, logger)
	if err != nil {
		return nil, "", fmt.Errorf("serve: %w (run finx demo first, or set --out or --clickhouse)", err)
	}
	return s, "JSONEachRow files in " + sf.out, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// documentSource returns the function that finds a filing's content and
// parses it with parseDocument, the extract stage's parser. So the text is
// the one that the citations' offsets point into. It looks at the
// recorded source path, then under each docs folder for the path's trailing
// parts, then in the blob store. A candidate counts only when its SHA-256
// equals the document id, so a changed file is never shown with offsets of
// its old text.
func documentSource(docs []string, blobs *blob.Store) review.DocumentFunc {
	return func(ctx context.Context, f schemas.Filing) (*schemas.Document, error) {
		var tried []string
		candidates := sourceCandidates(f.SourcePath, docs)
		if blobs != nil {
			// The blob store is content-addressed, so its file of the
			// document is one more candidate, read under the same limits.
			if path, err := blobs.Path("sha256:" + f.DocID); err == nil {
				candidates = append(candidates, path)
			}
		}
		for _, path := range candidates {
			content, err := readSource(path, maxSourceBytes)
			if err != nil {
				if !errors.Is(err, os.ErrNotExist) {
					tried = append(tried, fmt.Sprintf("%s (%v)", path, err))
				}
				continue
			}
			if sum := sha256.Sum256(content); hex.EncodeToString(sum[:]) != f.DocID {
				tried = append(tried, path+" (content differs from the extracted document)")
				continue
			}
			return parseDocument(ctx, f, content)
		}
		msg := fmt.Sprintf("source of %s not found at %s", f.DocID, f.SourcePath)
		if len(tried) > 0 {
			msg += "; tried " + strings.Join(tried, ", ")
		}
		return nil, errors.New(msg + "; name its folder with --docs")
	}
}

// maxSourceBytes is the largest source file that finx serve reads: the
// crawler's limit on a downloaded document.
const maxSourceBytes = edgar.DefaultMaxBodyBytes

// errNotRegular reports a source path that names a folder, device, FIFO or
// socket. Reading one could block or never end.
var errNotRegular = errors.New("serve: not a regular file")

// readSource reads a regular file of at most maxBytes. It opens the file
// without blocking and checks the type of what it opened, so that a FIFO
// put at the path cannot stall the request.
func readSource(path string, maxBytes int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is %s", errNotRegular, path, fileKind(fi.Mode()))
	}

	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err = f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is %s", errNotRegular, path, fileKind(fi.Mode()))
	}
	if fi.Size() > maxBytes {
		return nil, fmt.Errorf("serve: %s has %d bytes, more than the limit of %d", path, fi.Size(), maxBytes)
	}

	// The file may grow after Stat, so the read stops one byte past the
	// limit to detect that.
	content, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("serve: read %s: %w", path, err)
	}
	if int64(len(content)) > maxBytes {
		return nil, fmt.Errorf("serve: %s grew past the limit of %d bytes while being read", path, maxBytes)
	}
	return content, nil
}

// fileKind names the type of a file that is not regular, for messages.
func fileKind(mode os.FileMode) string {
	switch {
	case mode.IsDir():
		return "a folder"
	case mode&os.ModeNamedPipe != 0:
		return "a FIFO"
	case mode&os.ModeSocket != 0:
		return "a socket"
	case mode&os.ModeDevice != 0:
		return "a device"
	default:
		return "a file of type " + mode.Type().String()
	}
}

// sourceCandidates returns the recorded path, then each docs folder joined
// with the path's trailing parts, longest first: for /data/8k/a.htm and
// docs folder d, d/data/8k/a.htm, d/8k/a.htm and d/a.htm.
func sourceCandidates(source string, docs []string) []string {
	out := []string{source}
	seen := map[string]bool{source: true}
	parts := strings.Split(filepath.ToSlash(filepath.Clean(source)), "/")
	for _, dir := range docs {
		for i := range parts {
			rest := filepath.Join(parts[i:]...)
			if rest == "" || rest == "." || strings.HasPrefix(rest, "..") {
				continue
			}
			if c := filepath.Join(dir, rest); !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
