// Command plot draws bench/results/*.json as one PNG: a panel per
// benchmark, throughput against concurrency, a line per implementation.
//
//	go run ./plot -in results -out results/throughput.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log"
	"math"
	"os"
	"sort"

	"github.com/mxkit/mxkit/bench/internal/results"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

var palette = []color.RGBA{
	{31, 119, 180, 255}, {214, 39, 40, 255}, {44, 160, 44, 255},
	{255, 127, 14, 255}, {148, 103, 189, 255}, {140, 86, 75, 255},
}

func main() {
	in := flag.String("in", "results", "folder of results JSON files")
	out := flag.String("out", "results/throughput.png", "PNG to write")
	flag.Parse()
	files, err := results.ReadAll(*in)
	if err != nil {
		log.Fatal(err)
	}
	if len(files) == 0 {
		log.Fatalf("no results in %s: run the comparison programs first", *in)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Benchmark < files[j].Benchmark })
	files = panels(files)
	const pw, ph = 520, 360
	cols := 2
	rows := (len(files) + cols - 1) / cols
	img := image.NewRGBA(image.Rect(0, 0, pw*cols, ph*rows))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for i, f := range files {
		panel(img, image.Rect((i%cols)*pw, (i/cols)*ph, (i%cols+1)*pw, (i/cols+1)*ph), f)
	}
	w, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(w, img); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", *out)
}

// panels splits a file whose series have groups into a panel per group,
// named "<benchmark> <group>", in the order the groups first appear.
func panels(files []results.File) []results.File {
	var out []results.File
	for _, f := range files {
		var groups []string
		by := map[string][]results.Series{}
		for _, s := range f.Series {
			if _, ok := by[s.Group]; !ok {
				groups = append(groups, s.Group)
			}
			by[s.Group] = append(by[s.Group], s)
		}
		for _, g := range groups {
			p := f
			p.Series = by[g]
			if g != "" {
				p.Benchmark += " " + g
			}
			out = append(out, p)
		}
	}
	return out
}

func panel(img *image.RGBA, r image.Rectangle, f results.File) {
	left, right, top, bottom := r.Min.X+70, r.Max.X-20, r.Min.Y+40, r.Max.Y-90
	unit := ""
	maxX, maxY := 1, 0.0
	for _, s := range f.Series {
		unit = s.Unit
		for _, p := range s.Points {
			maxX = max(maxX, p.Concurrency)
			maxY = max(maxY, p.PerSecond)
		}
	}
	if maxY == 0 {
		maxY = 1
	}
	maxY = niceCeil(maxY)
	black := color.RGBA{0, 0, 0, 255}
	grey := color.RGBA{220, 220, 220, 255}
	text(img, r.Min.X+10, r.Min.Y+20, black, f.Benchmark+": "+unit+" by concurrency")
	// Axes and grid: x is log2 of concurrency when it spans more than 8.
	logX := maxX > 8
	xpos := func(c int) int {
		if logX {
			return left + int(float64(right-left)*math.Log2(float64(max(c, 1)))/math.Log2(float64(maxX)))
		}
		return left + (right-left)*c/maxX
	}
	ypos := func(v float64) int { return bottom - int(float64(bottom-top)*v/maxY) }
	for i := 0; i <= 4; i++ {
		v := maxY * float64(i) / 4
		y := ypos(v)
		line(img, left, y, right, y, grey)
		text(img, r.Min.X+4, y+4, black, human(v))
	}
	ticks := []int{}
	if logX {
		for c := 1; c <= maxX; c *= 2 {
			ticks = append(ticks, c)
		}
	} else {
		for c := 0; c <= maxX; c += max(1, maxX/8) {
			ticks = append(ticks, c)
		}
	}
	for _, c := range ticks {
		x := xpos(c)
		line(img, x, top, x, bottom, grey)
		text(img, x-4, bottom+15, black, fmt.Sprint(c))
	}
	line(img, left, bottom, right, bottom, black)
	line(img, left, top, left, bottom, black)
	for i, s := range f.Series {
		col := palette[i%len(palette)]
		pts := append([]results.Point(nil), s.Points...)
		sort.Slice(pts, func(a, b int) bool { return pts[a].Concurrency < pts[b].Concurrency })
		for j, p := range pts {
			x, y := xpos(p.Concurrency), ypos(p.PerSecond)
			dot(img, x, y, col)
			if j > 0 {
				line(img, xpos(pts[j-1].Concurrency), ypos(pts[j-1].PerSecond), x, y, col)
			}
		}
		ly := bottom + 32 + 14*i
		line(img, left, ly-4, left+20, ly-4, col)
		line(img, left, ly-3, left+20, ly-3, col)
		text(img, left+26, ly, black, s.Name)
	}
}

func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func human(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func text(img *image.RGBA, x, y int, c color.Color, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func dot(img *image.RGBA, x, y int, c color.Color) {
	for dx := -2; dx <= 2; dx++ {
		for dy := -2; dy <= 2; dy++ {
			img.Set(x+dx, y+dy, c)
		}
	}
}

// line draws with Bresenham's algorithm.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		img.Set(x0, y0, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
