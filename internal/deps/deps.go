// Package deps pins the modules that finx packages under construction use.
// TODO: delete this package once every module below is imported by real code.
package deps

import (
	_ "github.com/ClickHouse/clickhouse-go/v2"
	_ "github.com/ledongthuc/pdf"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/segmentio/kafka-go"
	_ "github.com/twmb/franz-go/pkg/kfake"
	_ "golang.org/x/net/html"
	_ "golang.org/x/net/html/charset"
	_ "golang.org/x/term"
	_ "golang.org/x/text/encoding/charmap"
)
