package kafka

import (
	"strings"
	"testing"
	"time"
)

func TestConfigWithDefaults(t *testing.T) {
	cfg := Config{Brokers: []string{"127.0.0.1:9092"}}.WithDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate of defaults: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"ClientID", cfg.ClientID, DefaultClientID},
		{"Partitions", cfg.Partitions, 3},
		{"ReplicationFactor", cfg.ReplicationFactor, 1},
		{"InlineLimit", cfg.InlineLimit, 512 * 1024},
		{"MaxMessageBytes", cfg.MaxMessageBytes, DefaultMaxMessageBytes},
		{"Compression", cfg.Compression, "zstd"},
		{"BatchTimeout", cfg.BatchTimeout, DefaultBatchTimeout},
		{"MaxWait", cfg.MaxWait, DefaultMaxWait},
		{"SessionTimeout", cfg.SessionTimeout, DefaultSessionTimeout},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}

	custom := Config{Brokers: []string{"127.0.0.1:9092"}, Partitions: 6, Compression: "none"}.WithDefaults()
	if custom.Partitions != 6 || custom.Compression != "none" {
		t.Errorf("got Partitions %d Compression %s, want the set values 6 and none", custom.Partitions, custom.Compression)
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Config)
		field string // expected in the error; empty for a valid config
	}{
		{"valid", func(*Config) {}, ""},
		{"no brokers", func(c *Config) { c.Brokers = nil }, "Brokers"},
		{"broker without port", func(c *Config) { c.Brokers = []string{"localhost"} }, "localhost"},
		{"broker port out of range", func(c *Config) { c.Brokers = []string{"127.0.0.1:70000"} }, "70000"},
		{"negative partitions", func(c *Config) { c.Partitions = -1 }, "Partitions"},
		{"negative batch timeout", func(c *Config) { c.BatchTimeout = -time.Millisecond }, "BatchTimeout"},
		{"inline limit above message size", func(c *Config) { c.InlineLimit = c.MaxMessageBytes }, "InlineLimit"},
		{"backoff min above max", func(c *Config) { c.BackoffMin = 3 * time.Second }, "BackoffMin"},
		{"heartbeat not below session", func(c *Config) { c.HeartbeatInterval = c.SessionTimeout }, "HeartbeatInterval"},
		{"unknown codec", func(c *Config) { c.Compression = "brotli" }, "brotli"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{Brokers: []string{"127.0.0.1:9092"}}.WithDefaults()
			c.edit(&cfg)
			err := cfg.Validate()
			switch {
			case c.field == "" && err != nil:
				t.Fatalf("got %v, want nil", err)
			case c.field != "" && err == nil:
				t.Fatalf("got nil error, want one naming %s", c.field)
			case c.field != "" && !strings.Contains(err.Error(), c.field):
				t.Fatalf("got %q, want it to name %s", err, c.field)
			}
		})
	}
}

func TestWithDefaultsCopiesBrokers(t *testing.T) {
	brokers := []string{"127.0.0.1:9092"}
	cfg := Config{Brokers: brokers}.WithDefaults()
	cfg.Brokers[0] = "changed:1"
	if brokers[0] != "127.0.0.1:9092" {
		t.Fatalf("got caller's broker %s, want it unchanged", brokers[0])
	}
}
