package readmodel

import (
	"bytes"
	"encoding/xml"
)

// processName returns the name attribute of the process with id in a BPMN
// file, or "" (the read model shows what it can; the engine validated the
// file long before).
func processName(resource []byte, id string) string {
	d := xml.NewDecoder(bytes.NewReader(resource))
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "process" {
			continue
		}
		var pid, name string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "id":
				pid = a.Value
			case "name":
				name = a.Value
			}
		}
		if pid == id {
			return name
		}
	}
}
