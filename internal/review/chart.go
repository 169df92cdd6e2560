package review

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// Chart geometry in SVG user units.
const (
	chartWidth  = 520
	chartHeight = 180
	chartLeft   = 72
	chartRight  = 12
	chartTop    = 12
	chartBottom = 34
	// maxCharts bounds the charts on one company page.
	maxCharts = 12
)

// keyMetrics are charted first, in this order.
var keyMetrics = []string{"revenue", "net_income", "eps_diluted", "eps_basic", "operating_income",
	"gross_profit", "operating_cash_flow", "free_cash_flow", "capex", "cash", "total_assets",
	"total_liabilities", "total_debt"}

// chart is one metric series drawn as an SVG line chart on the server.
type chart struct {
	Title  string
	Unit   string
	Width  int
	Height int
	Points []chartPoint
	// Line is the SVG polyline points attribute.
	Line             string
	YMaxLabel        string
	YMinLabel        string
	Left, Right, Top float64
	Bottom           float64
}

// chartPoint is one value of a series.
type chartPoint struct {
	X, Y      float64
	Period    string
	Value     string
	DocID     string
	Anchor    string
	LabelX    float64
	ShowLabel bool
	// LabelAnchor is the SVG text-anchor of the period label.
	LabelAnchor string
}

type seriesPoint struct {
	periodEnd string
	value     float64
	item      Item
}

// metricCharts draws one chart per metric, period length and unit, from the
// metrics without dimensions. For a period reported in several filings the
// latest filing's value is drawn. filings must be sorted oldest first.
func metricCharts(filings []Filing, items map[string][]Item) []chart {
	series := make(map[string]map[string]seriesPoint)
	titles := make(map[string][2]string)
	for _, f := range filings {
		for _, it := range items[f.DocID] {
			m := it.Metric
			if m == nil || m.PeriodEnd == "" || len(m.Dimensions) > 0 || m.Metric == "other" {
				continue
			}
			v, err := strconv.ParseFloat(m.Value, 64)
			if err != nil || math.IsInf(v, 0) {
				continue
			}
			period := periodClass(m)
			key := m.Metric + "\x00" + period + "\x00" + m.Unit
			if series[key] == nil {
				series[key] = make(map[string]seriesPoint)
				titles[key] = [2]string{m.Metric + " (" + period + ")", m.Unit}
			}
			series[key][m.PeriodEnd] = seriesPoint{periodEnd: m.PeriodEnd, value: v, item: it}
		}
	}
	keys := make([]string, 0, len(series))
	for k := range series {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		name, _, _ := strings.Cut(k, "\x00")
		if i := slices.Index(keyMetrics, name); i >= 0 {
			return i
		}
		return len(keyMetrics)
	}
	sort.Slice(keys, func(i, j int) bool {
		if ri, rj := rank(keys[i]), rank(keys[j]); ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	if len(keys) > maxCharts {
		keys = keys[:maxCharts]
	}
	var out []chart
	for _, k := range keys {
		pts := make([]seriesPoint, 0, len(series[k]))
		for _, p := range series[k] {
			pts = append(pts, p)
		}
		sort.Slice(pts, func(i, j int) bool { return pts[i].periodEnd < pts[j].periodEnd })
		out = append(out, drawChart(titles[k][0], titles[k][1], pts))
	}
	return out
}

// periodClass names the length of a metric's period.
func periodClass(m *schemas.Metric) string {
	if m.PeriodType == "instant" {
		return "at period end"
	}
	if m.PeriodStart == "" {
		return "period of unknown length"
	}
	start, err1 := time.Parse(time.DateOnly, m.PeriodStart)
	end, err2 := time.Parse(time.DateOnly, m.PeriodEnd)
	if err1 != nil || err2 != nil {
		return "period"
	}
	days := end.Sub(start).Hours() / 24
	switch {
	case days <= 100:
		return "quarter"
	case days >= 170 && days <= 200:
		return "half year"
	case days >= 260 && days <= 290:
		return "nine months"
	case days >= 340 && days <= 380:
		return "year"
	}
	return fmt.Sprintf("%.0f days", days)
}

func drawChart(title, unit string, pts []seriesPoint) chart {
	c := chart{Title: title, Unit: unit, Width: chartWidth, Height: chartHeight,
		Left: chartLeft, Right: chartWidth - chartRight, Top: chartTop, Bottom: chartHeight - chartBottom}

	lo, hi := pts[0].value, pts[0].value
	for _, p := range pts {
		lo, hi = min(lo, p.value), max(hi, p.value)
	}
	if lo == hi {
		lo, hi = lo-math.Abs(lo)*0.1-1, hi+math.Abs(hi)*0.1+1
	}
	c.YMinLabel, c.YMaxLabel = axisLabels(lo, hi)

	plotW, plotH := c.Right-c.Left, c.Bottom-c.Top
	// Label at most about 6 periods on the x axis, so that dates do not overlap.
	every := (len(pts) + 5) / 6
	var line []string
	for i, p := range pts {
		x := c.Left + plotW/2
		if len(pts) > 1 {
			x = c.Left + plotW*float64(i)/float64(len(pts)-1)
		}
		y := c.Bottom - plotH*(p.value-lo)/(hi-lo)
		line = append(line, fmt.Sprintf("%.1f,%.1f", x, y))
		c.Points = append(c.Points, chartPoint{
			X: x, Y: y, Period: p.periodEnd, Value: shortNumber(p.value),
			DocID: p.item.DocID, Anchor: p.item.Anchor(),
			LabelX: x, ShowLabel: i%every == 0 || i == len(pts)-1, LabelAnchor: "middle",
		})
		// The outermost labels align with the plot's edges, so that they
		// are not cut off.
		if len(pts) > 1 && i == 0 {
			c.Points[i].LabelAnchor = "start"
		} else if len(pts) > 1 && i == len(pts)-1 {
			c.Points[i].LabelAnchor = "end"
		}
	}
	c.Line = strings.Join(line, " ")

	return c
}

// axisLabels formats the bounds of the y axis with as many significant
// digits as it takes, up to 8, for the two labels to differ.
func axisLabels(lo, hi float64) (string, string) {
	for digits := 3; digits < 8; digits++ {
		a, b := formatShort(lo, digits), formatShort(hi, digits)
		if a != b {
			return a, b
		}
	}
	return formatShort(lo, 8), formatShort(hi, 8)
}

// shortNumber formats v with a K, M or B suffix and three significant
// digits.
func shortNumber(v float64) string { return formatShort(v, 3) }

// formatShort formats v with a K, M or B suffix and the given count of
// significant digits.
func formatShort(v float64, digits int) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return strconv.FormatFloat(v/1e9, 'g', digits, 64) + "B"
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', digits, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'g', digits, 64) + "K"
	}
	return strconv.FormatFloat(v, 'g', digits+1, 64)
}

// scaleWords names the power of ten of a printed figure.
var scaleWords = map[int]string{3: "thousand", 6: "million", 9: "billion", 12: "trillion", -2: "hundredths"}

// scaledText renders a guidance range as printed, with its scale and unit:
// "4.10 to 4.20 USD/shares", "1,200 to 1,300 million USD".
func scaledText(low, high string, scale int, unit string) string {
	text := low
	if high != "" && high != low {
		text += " to " + high
	}
	if scale != 0 {
		if w, ok := scaleWords[scale]; ok {
			text += " " + w
		} else {
			text += fmt.Sprintf(" ×10^%d", scale)
		}
	}
	if unit != "" {
		text += " " + unit
	}
	return text
}
