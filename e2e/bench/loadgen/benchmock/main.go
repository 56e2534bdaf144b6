// benchmock answers OpenAI chat completions with fixed bytes, so that a benchmark's floor is
// the network and the contestant, not the mock. It checks the credential as the provider
// does. A streamed answer is 20 content chunks and a usage chunk: written at once, or, for a
// model ending in "-paced", one chunk every -pace, each carrying the time it was written
// (unix nanoseconds) so a client can tell how long the chunk spent on its way.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

const chunks = 20

var completion = []byte(`{"id":"chatcmpl-bench","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"The benchmark answer: a fixed body of a typical length for a short completion."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":17,"total_tokens":29}}`)

var unauthorized = []byte(`{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)

func chunk(content string) []byte {
	return []byte(`data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"` + content + `"},"finish_reason":null}]}` + "\n\n")
}

var usageChunk = []byte(`data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":20,"total_tokens":32}}` + "\n\n" + "data: [DONE]\n\n")

// The whole stream, built once: 20 chunks of one word each, then usage.
var stream = func() []byte {
	var b bytes.Buffer
	for i := 0; i < chunks; i++ {
		b.Write(chunk("word "))
	}
	b.Write(usageChunk)
	return b.Bytes()
}()

type request struct {
	Model  string `json:"model"`
	Stream bool   `json:"stream"`
}

type mock struct {
	auth string
	pace time.Duration
}

func (m *mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	if r.Header.Get("Authorization") != m.auth {
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(unauthorized)
		return
	}
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error","param":null,"code":null}}`))
		return
	}
	if !req.Stream {
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(completion)))
		w.Write(completion)
		return
	}
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	if !strings.HasSuffix(req.Model, "-paced") {
		w.Write(stream)
		return
	}
	flusher, _ := w.(http.Flusher)
	for i := 0; i < chunks; i++ {
		if i > 0 {
			select {
			case <-time.After(m.pace):
			case <-r.Context().Done():
				return
			}
		}
		w.Write(chunk("t=" + strconv.FormatInt(time.Now().UnixNano(), 10) + " "))
		if flusher != nil {
			flusher.Flush()
		}
	}
	w.Write(usageChunk)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	key := flag.String("key", "", "the provider credential callers must send as a Bearer token")
	pace := flag.Duration("pace", 50*time.Millisecond, "time between chunks of a -paced model's stream")
	flag.Parse()
	if *key == "" {
		fmt.Fprintln(os.Stderr, "benchmock: -key is required")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchmock:", err)
		os.Exit(1)
	}
	fmt.Printf("{\"msg\":\"listening\",\"port\":%d}\n", ln.Addr().(*net.TCPAddr).Port)
	server := &http.Server{Handler: &mock{auth: "Bearer " + *key, pace: *pace}, ReadHeaderTimeout: 10 * time.Second}
	if err := server.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "benchmock:", err)
		os.Exit(1)
	}
}
