package clickhouse

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults applied by Config.withDefaults to fields left at their zero value.
const (
	DefaultDatabase     = "finx"
	DefaultUsername     = "default"
	DefaultBatchRows    = 10000
	DefaultBatchBytes   = 16 << 20
	DefaultDialTimeout  = 5 * time.Second
	DefaultReadTimeout  = 60 * time.Second
	DefaultMaxOpenConns = 4
)

// Config configures a Sink. A zero field takes the default stated next to it.
type Config struct {
	// Addr is the host:port of the server's native protocol (TCP) port,
	// such as 127.0.0.1:9000. Required.
	Addr string
	// Database holds the tables; created when missing. Default "finx".
	Database string
	// Username defaults to "default".
	Username string
	// Password may be empty. It is never logged.
	Password string
	// BatchRows is the maximum number of rows in one INSERT. A Write with
	// more rows for a table sends several INSERTs. Default 10000.
	BatchRows int
	// BatchBytes is the maximum estimated size of one INSERT in bytes: the
	// lengths of its strings plus 8 bytes per other value. A row larger
	// than BatchBytes goes in an INSERT of its own. Default 16 MiB.
	BatchBytes int
	// DialTimeout bounds connecting to the server. Default 5 s.
	DialTimeout time.Duration
	// ReadTimeout bounds waiting for a server reply. Default 60 s.
	ReadTimeout time.Duration
	// MaxOpenConns caps the connection pool. Default 4.
	MaxOpenConns int
	// Registerer receives the sink's metrics; nil registers none.
	Registerer prometheus.Registerer
}

// plainIdent matches a plain identifier. Database names must be one, so
// that DDL and queries use them without quoting.
var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// withDefaults returns a copy of c with defaults applied.
func (c Config) withDefaults() Config {
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.Username == "" {
		c.Username = DefaultUsername
	}
	if c.BatchRows == 0 {
		c.BatchRows = DefaultBatchRows
	}
	if c.BatchBytes == 0 {
		c.BatchBytes = DefaultBatchBytes
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.MaxOpenConns == 0 {
		c.MaxOpenConns = DefaultMaxOpenConns
	}
	return c
}

// Validate checks the configuration after defaults are applied and names
// the first invalid field.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.Addr == "" {
		return fmt.Errorf("%w: Addr is empty, want host:port of the native protocol port", ErrInvalidConfig)
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || host == "" {
		return fmt.Errorf("%w: Addr %q is not host:port", ErrInvalidConfig, c.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("%w: Addr %q has an invalid port", ErrInvalidConfig, c.Addr)
	}
	if !plainIdent.MatchString(c.Database) {
		return fmt.Errorf("%w: Database %q is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)", ErrInvalidConfig, c.Database)
	}
	if c.BatchRows < 0 {
		return fmt.Errorf("%w: BatchRows %d is negative", ErrInvalidConfig, c.BatchRows)
	}
	if c.BatchBytes < 0 {
		return fmt.Errorf("%w: BatchBytes %d is negative", ErrInvalidConfig, c.BatchBytes)
	}
	if c.DialTimeout < 0 || c.ReadTimeout < 0 {
		return fmt.Errorf("%w: DialTimeout %v and ReadTimeout %v must not be negative", ErrInvalidConfig, c.DialTimeout, c.ReadTimeout)
	}
	if c.MaxOpenConns < 0 {
		return fmt.Errorf("%w: MaxOpenConns %d is negative", ErrInvalidConfig, c.MaxOpenConns)
	}
	return nil
}
