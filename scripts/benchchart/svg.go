package main

import (
	"fmt"
	"math"
	"strings"
)

var colours = []string{"#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#57606a"}

const (
	width, height     = 900, 445
	panelW, panelH    = 340, 280
	leftX, rightX     = 70, 520
	topY              = 70
	fontStyle         = `font-family="sans-serif" font-size="12"`
	axisColour, grid  = "#57606a", "#d0d7de"
	throughputYLabel  = "instances completed / s"
	latencyYLabel     = "latency, ms (log scale)"
	offeredRateXLabel = "offered rate, instances / s"
)

// draw renders two panels: throughput and latency against offered rate.
func draw(title string, ss []series, load float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="28" font-family="sans-serif" font-size="15" font-weight="bold">%s</text>`+"\n", leftX, esc(title))
	fmt.Fprintf(&b, `<text x="%d" y="48" %s fill="%s">2-core machine, load average up to %.1f while measured (other work running): figures are lower bounds</text>`+"\n", leftX, fontStyle, axisColour, load)

	maxRate, maxTput, minLat, maxLat := 0.0, 0.0, math.Inf(1), 0.0
	for _, s := range ss {
		for _, p := range s.points {
			maxRate = math.Max(maxRate, p.Offered)
			maxTput = math.Max(maxTput, p.Completed)
			for _, l := range []float64{p.Latency.P50, p.Latency.P99} {
				if l > 0 {
					minLat, maxLat = math.Min(minLat, l), math.Max(maxLat, l)
				}
			}
		}
	}
	xMax := niceCeil(maxRate)
	yMax := niceCeil(math.Max(maxTput, maxRate))
	if math.IsInf(minLat, 1) {
		minLat, maxLat = 1, 10
	}
	latLo, latHi := math.Pow(10, math.Floor(math.Log10(minLat))), math.Pow(10, math.Ceil(math.Log10(maxLat)))
	if latHi <= latLo {
		latHi = latLo * 10
	}

	// Throughput panel, with the line where completed = offered.
	x := func(v float64) float64 { return leftX + v/xMax*panelW }
	y := func(v float64) float64 { return topY + panelH - v/yMax*panelH }
	axes(&b, leftX, xMax, func(i int) (float64, string) { v := yMax * float64(i) / 5; return y(v), fmt.Sprintf("%.0f", v) }, throughputYLabel)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4 4"/>`+"\n", x(0), y(0), x(math.Min(xMax, yMax)), y(math.Min(xMax, yMax)), grid)
	for i, s := range ss {
		line(&b, s.points, colours[i%len(colours)], "", func(p point) (float64, float64) { return x(p.Offered), y(p.Completed) })
	}

	// Latency panel, log scale: p50 solid, p99 dashed.
	lx := func(v float64) float64 { return rightX + v/xMax*panelW }
	ly := func(v float64) float64 {
		v = math.Max(v, latLo)
		return topY + panelH - (math.Log10(v)-math.Log10(latLo))/(math.Log10(latHi)-math.Log10(latLo))*panelH
	}
	decades := int(math.Round(math.Log10(latHi / latLo)))
	axesN(&b, rightX, xMax, decades, func(i int) (float64, string) {
		v := latLo * math.Pow(10, float64(i))
		return ly(v), fmt.Sprintf("%g", v)
	}, latencyYLabel)
	for i, s := range ss {
		c := colours[i%len(colours)]
		line(&b, s.points, c, "", func(p point) (float64, float64) { return lx(p.Offered), ly(p.Latency.P50) })
		line(&b, s.points, c, "6 4", func(p point) (float64, float64) { return lx(p.Offered), ly(p.Latency.P99) })
	}

	// Legend.
	ly0 := float64(topY + panelH + 50)
	for i, s := range ss {
		c := colours[i%len(colours)]
		lxp := float64(leftX + i*200)
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="2"/>`, lxp, ly0, lxp+24, ly0, c)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" %s>%s</text>`+"\n", lxp+30, ly0+4, fontStyle, esc(s.name))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%.0f" %s fill="%s">right: p50 solid, p99 dashed; left: dashed grey = all offered load completed</text>`+"\n", leftX, ly0+22, fontStyle, axisColour)
	b.WriteString("</svg>\n")
	return b.String()
}

// axes draws a panel's frame with 5 y ticks and 5 x ticks up to xMax.
func axes(b *strings.Builder, x0 int, xMax float64, yTick func(int) (float64, string), yLabel string) {
	axesN(b, x0, xMax, 5, yTick, yLabel)
}

func axesN(b *strings.Builder, x0 int, xMax float64, yTicks int, yTick func(int) (float64, string), yLabel string) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="%s"/>`+"\n", x0, topY, panelW, panelH, axisColour)
	for i := 0; i <= yTicks; i++ {
		yy, label := yTick(i)
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>`, x0, yy, x0+panelW, yy, grid)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" %s text-anchor="end">%s</text>`+"\n", x0-6, yy+4, fontStyle, label)
	}
	for i := 0; i <= 5; i++ {
		v := xMax * float64(i) / 5
		xx := float64(x0) + v/xMax*panelW
		fmt.Fprintf(b, `<text x="%.1f" y="%d" %s text-anchor="middle">%.0f</text>`+"\n", xx, topY+panelH+16, fontStyle, v)
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" %s text-anchor="middle">%s</text>`+"\n", x0+panelW/2, topY+panelH+34, fontStyle, offeredRateXLabel)
	fmt.Fprintf(b, `<text x="%d" y="%d" %s text-anchor="middle" transform="rotate(-90 %d %d)">%s</text>`+"\n", x0-48, topY+panelH/2, fontStyle, x0-48, topY+panelH/2, yLabel)
}

// line draws a series as a polyline with a dot per point.
func line(b *strings.Builder, pts []point, colour, dash string, at func(point) (float64, float64)) {
	var coords []string
	for _, p := range pts {
		xx, yy := at(p)
		coords = append(coords, fmt.Sprintf("%.1f,%.1f", xx, yy))
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, xx, yy, colour)
	}
	extra := ""
	if dash != "" {
		extra = fmt.Sprintf(` stroke-dasharray="%s"`, dash)
	}
	fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(coords, " "), colour, extra)
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
