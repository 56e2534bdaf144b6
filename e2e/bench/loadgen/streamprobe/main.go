// streamprobe holds many streamed chat completions open at once and times them: to the first
// content chunk from the request's start, and for each chunk from the moment benchmock wrote it
// (the unix nanoseconds in its content) to its arrival here. Run against benchmock directly and
// through a proxy, the difference is what the proxy adds per stream and per chunk.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type headerList []string

func (h *headerList) String() string     { return strings.Join(*h, ", ") }
func (h *headerList) Set(v string) error { *h = append(*h, v); return nil }

type percentiles struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

type report struct {
	Streams    int         `json:"streams"`
	Completed  int         `json:"completed"`
	Errors     []string    `json:"errors"`
	Chunks     int         `json:"chunks"`
	FirstChunk percentiles `json:"firstChunkMs"`
	ChunkDelay percentiles `json:"chunkDelayMs"`
	WallMs     float64     `json:"wallMs"`
}

type result struct {
	firstChunk time.Duration
	delays     []time.Duration
	err        error
}

func summarise(ds []time.Duration) percentiles {
	if len(ds) == 0 {
		return percentiles{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(ds) {
			i = len(ds) - 1
		}
		return float64(ds[i]) / 1e6
	}
	return percentiles{P50: at(0.50), P99: at(0.99), Max: float64(ds[len(ds)-1]) / 1e6}
}

// One stream: the time to its first content chunk, and each stamped chunk's time on the way.
func probe(client *http.Client, url string, headers http.Header, body []byte) result {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return result{err: err}
	}
	req.Header = headers.Clone()
	started := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return result{err: fmt.Errorf("HTTP %d", res.StatusCode)}
	}
	var r result
	lines := bufio.NewScanner(res.Body)
	done := false
	for lines.Scan() {
		arrived := time.Now()
		line := lines.Bytes()
		if bytes.Equal(line, []byte("data: [DONE]")) {
			done = true
			continue
		}
		i := bytes.Index(line, []byte(`"content":"t=`))
		if i < 0 {
			continue
		}
		stamp := line[i+len(`"content":"t=`):]
		if end := bytes.IndexByte(stamp, ' '); end > 0 {
			stamp = stamp[:end]
		}
		written, err := strconv.ParseInt(string(stamp), 10, 64)
		if err != nil {
			continue
		}
		if r.firstChunk == 0 {
			r.firstChunk = arrived.Sub(started)
		}
		r.delays = append(r.delays, arrived.Sub(time.Unix(0, written)))
	}
	if err := lines.Err(); err != nil {
		return result{err: err}
	}
	if !done || r.firstChunk == 0 {
		return result{err: fmt.Errorf("stream ended without its chunks and [DONE]")}
	}
	return r
}

func main() {
	url := flag.String("url", "", "the chat completions URL")
	key := flag.String("key", "", "Bearer token")
	model := flag.String("model", "gpt-4o-mini-paced", "a model benchmock paces")
	streams := flag.Int("streams", 100, "streams held open at once")
	ramp := flag.Duration("ramp", time.Second, "time over which the streams are opened")
	var extra headerList
	flag.Var(&extra, "H", "an extra request header, name: value (repeatable)")
	flag.Parse()
	if *url == "" || *key == "" {
		fmt.Fprintln(os.Stderr, "streamprobe: -url and -key are required")
		os.Exit(2)
	}
	headers := http.Header{}
	headers.Set("Authorization", "Bearer "+*key)
	headers.Set("Content-Type", "application/json")
	for _, h := range extra {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			fmt.Fprintln(os.Stderr, "streamprobe: -H wants name: value")
			os.Exit(2)
		}
		headers.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	body, _ := json.Marshal(map[string]any{
		"model":    *model,
		"stream":   true,
		"messages": []map[string]string{{"role": "user", "content": "benchmark"}},
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *streams, DisableCompression: true}}
	results := make([]result, *streams)
	var wg sync.WaitGroup
	started := time.Now()
	gap := *ramp / time.Duration(*streams)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = probe(client, *url, headers, body)
		}(i)
		time.Sleep(gap)
	}
	wg.Wait()
	rep := report{Streams: *streams, Errors: []string{}, WallMs: float64(time.Since(started)) / 1e6}
	var firsts, delays []time.Duration
	seen := map[string]bool{}
	for _, r := range results {
		if r.err != nil {
			if msg := r.err.Error(); !seen[msg] && len(seen) < 5 {
				seen[msg] = true
				rep.Errors = append(rep.Errors, msg)
			}
			continue
		}
		rep.Completed++
		firsts = append(firsts, r.firstChunk)
		delays = append(delays, r.delays...)
	}
	rep.Chunks = len(delays)
	rep.FirstChunk = summarise(firsts)
	rep.ChunkDelay = summarise(delays)
	out, _ := json.Marshal(rep)
	fmt.Println(string(out))
}
