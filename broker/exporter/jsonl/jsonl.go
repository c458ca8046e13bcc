package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/shoalbpm/shoal/engine/record"
)

// Exporter writes each partition's records to its own file in a directory.
type Exporter struct {
	dir string

	mu    sync.Mutex // guards files (not the writes: one goroutine per partition)
	files map[int32]*partitionFile
}

type partitionFile struct {
	f        *os.File
	position int64
	buf      bytes.Buffer
}

// Open prepares the directory; files are opened per partition on first use.
func Open(dir string) (*Exporter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("jsonl exporter: %w", err)
	}
	return &Exporter{dir: dir, files: make(map[int32]*partitionFile)}, nil
}

// Path returns the file of a partition.
func (e *Exporter) Path(partitionID int32) string {
	return filepath.Join(e.dir, fmt.Sprintf("partition-%d.jsonl", partitionID))
}

// Position returns the position of the last complete line of the
// partition's file, or -1 for an empty or missing file.
func (e *Exporter) Position(partitionID int32) (int64, error) {
	pf, err := e.file(partitionID)
	if err != nil {
		return 0, err
	}
	return pf.position, nil
}

// Export appends the records as JSON lines and syncs the file.
func (e *Exporter) Export(partitionID int32, recs []record.Record) error {
	pf, err := e.file(partitionID)
	if err != nil {
		return err
	}
	pf.buf.Reset()
	enc := json.NewEncoder(&pf.buf)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return fmt.Errorf("jsonl exporter: partition %d: encode record %d: %w", partitionID, recs[i].Position, err)
		}
	}
	if _, err := pf.f.Write(pf.buf.Bytes()); err != nil {
		return fmt.Errorf("jsonl exporter: partition %d: %w", partitionID, err)
	}
	if err := pf.f.Sync(); err != nil {
		return fmt.Errorf("jsonl exporter: partition %d: sync: %w", partitionID, err)
	}
	if len(recs) > 0 {
		pf.position = recs[len(recs)-1].Position
	}
	return nil
}

// Close closes every file.
func (e *Exporter) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for id, pf := range e.files {
		errs = append(errs, pf.f.Close())
		delete(e.files, id)
	}
	return errors.Join(errs...)
}

// file opens a partition's file once, removing a torn last line and reading
// the position of the last complete one.
func (e *Exporter) file(partitionID int32) (*partitionFile, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if pf, ok := e.files[partitionID]; ok {
		return pf, nil
	}
	path := e.Path(partitionID)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("jsonl exporter: %w", err)
	}
	end, pos, err := lastCompleteLine(f)
	if err == nil {
		err = f.Truncate(end)
	}
	if err == nil {
		_, err = f.Seek(end, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("jsonl exporter: %s: %w", path, err)
	}
	pf := &partitionFile{f: f, position: pos}
	e.files[partitionID] = pf
	return pf, nil
}

// lastCompleteLine scans the file and returns the offset just after its last
// newline and the position of the record on that line (-1 when none).
func lastCompleteLine(f *os.File) (end, position int64, err error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, err
	}
	r := bufio.NewReaderSize(f, 1<<16)
	var last []byte
	position = -1
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			break // a line without its newline is torn: dropped
		}
		if err != nil {
			return 0, 0, err
		}
		end += int64(len(line))
		last = line
	}
	if last != nil {
		var head struct {
			Position *int64 `json:"position"`
		}
		if err := json.Unmarshal(last, &head); err != nil || head.Position == nil {
			return 0, 0, fmt.Errorf("last line is not a record (offset %d): %v", end-int64(len(last)), err)
		}
		position = *head.Position
	}
	return end, position, nil
}
