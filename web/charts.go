package web

import (
	"fmt"
	"math"
)

// The charts of the insights page are SVG drawn here: the geometry is
// worked out in Go and the template only places it. Every chart has a
// title, a description and its figures as a table beside it.

// chartWidth is the width of every chart's coordinate system: about a
// phone's width, so that text keeps its size where space is scarce.
const chartWidth = 360

// hbar is one bar of a horizontal bar chart.
type hbar struct {
	Label, Value string
	Class        string  // the bar's colour, a class of app.css
	Y, TY, W     float64 // the bar's top, the text's baseline, the bar's width
	TextX        float64 // where the value goes
}

// hbarChart is a horizontal bar chart: one labelled bar a row.
type hbarChart struct {
	Bars   []hbar
	Height float64
	BarX   float64 // where bars start: labels take the space before
	BarH   float64
}

const (
	hbarLabel = 110 // label column
	hbarRow   = 30
	hbarSpan  = chartWidth - hbarLabel - 50 // room for the value after the bar
)

// newHbarChart draws bars in proportion to the largest value.
func newHbarChart(labels []string, values []int, class string) hbarChart {
	c := hbarChart{BarX: hbarLabel, BarH: hbarRow - 10, Height: float64(len(values) * hbarRow)}
	top := 1
	for _, v := range values {
		top = max(top, v)
	}
	for i, v := range values {
		w := float64(v) / float64(top) * hbarSpan
		y := float64(i * hbarRow)
		c.Bars = append(c.Bars, hbar{Label: labels[i], Value: fmt.Sprint(v), Class: class, Y: y + 5, TY: y + 20, W: w,
			TextX: hbarLabel + w + 6})
	}
	return c
}

// pairRow is one row of a paired bar chart: two bars side by side.
type pairRow struct {
	Label, Sub             string
	Leadership, Management int
	LY, MY, LTY, MTY       float64 // bar tops and text baselines
	LabelY, SubY           float64
	LW, MW                 float64
	LTextX, MTextX         float64
}

// pairChart compares two counts row by row (leadership and management).
type pairChart struct {
	Rows   []pairRow
	Height float64
	BarX   float64
}

const pairRowH = 52

func newPairChart(labels, subs []string, lead, mgmt []int) pairChart {
	c := pairChart{BarX: hbarLabel, Height: float64(len(labels) * pairRowH)}
	top := 1
	for i := range labels {
		top = max(top, lead[i], mgmt[i])
	}
	for i, l := range labels {
		lw := float64(lead[i]) / float64(top) * hbarSpan
		mw := float64(mgmt[i]) / float64(top) * hbarSpan
		y := float64(i * pairRowH)
		c.Rows = append(c.Rows, pairRow{Label: l, Sub: subs[i], Leadership: lead[i], Management: mgmt[i],
			LY: y + 4, MY: y + 25, LTY: y + 18, MTY: y + 39, LabelY: y + 18, SubY: y + 38,
			LW: lw, MW: mw, LTextX: hbarLabel + lw + 6, MTextX: hbarLabel + mw + 6})
	}
	return c
}

// column is one column of a column chart.
type column struct {
	Label, Value string
	X, Y, W, H   float64
	CX           float64 // the column's centre, for its labels
	ValueY       float64 // the baseline of the value above the column
	LabelY       float64 // the baseline of the label below
}

// columnChart is a column chart (a histogram) with labels below.
type columnChart struct {
	Class   string // the columns' colour, a class of app.css
	Columns []column
	Base    float64 // the baseline's y
	Height  float64
}

const (
	columnTop  = 20  // room for the value above the tallest column
	columnSpan = 140 // the tallest column
)

func newColumnChart(labels []string, values []int, class string) columnChart {
	c := columnChart{Class: class, Base: columnTop + columnSpan, Height: columnTop + columnSpan + 24}
	top := 1
	for _, v := range values {
		top = max(top, v)
	}
	slot := float64(chartWidth) / float64(max(1, len(values)))
	for i, v := range values {
		h := float64(v) / float64(top) * columnSpan
		x := float64(i)*slot + slot*0.15
		c.Columns = append(c.Columns, column{Label: labels[i], Value: fmt.Sprint(v), X: x, Y: c.Base - h, W: slot * 0.7, H: h,
			CX: x + slot*0.35, ValueY: c.Base - h - 5, LabelY: c.Base + 17})
	}
	return c
}

// gauge is a half-circle dial for a share between 0 and 1.
type gauge struct {
	Track, Fill string // SVG paths
	Percent     int
}

// newGauge draws the arc from the left end of the dial to the share.
func newGauge(share float64) gauge {
	share = math.Max(0, math.Min(1, share))
	const cx, cy, r = 100.0, 100.0, 80.0
	end := func(s float64) (float64, float64) {
		a := math.Pi * (1 - s)
		return cx + r*math.Cos(a), cy - r*math.Sin(a)
	}
	arc := func(s float64) string {
		x, y := end(s)
		return fmt.Sprintf("M %.1f %.1f A %.0f %.0f 0 0 1 %.2f %.2f", cx-r, cy, r, r, x, y)
	}
	return gauge{Track: arc(1), Fill: arc(share), Percent: int(math.Round(share * 100))}
}

// marker places a mark on a 0–100 scale, for the viewer's percentile.
type marker struct {
	X       float64
	Percent int
}

func newMarker(percent int) marker {
	percent = max(0, min(100, percent))
	return marker{X: 10 + float64(percent)/100*(chartWidth-20), Percent: percent}
}
