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

// elementNames maps the ids of a BPMN file's elements to their name
// attributes (elements without a name are left out).
func elementNames(resource []byte) map[string]string {
	names := map[string]string{}
	d := xml.NewDecoder(bytes.NewReader(resource))
	for {
		tok, err := d.Token()
		if err != nil {
			return names
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var id, name string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "id":
				id = a.Value
			case "name":
				name = a.Value
			}
		}
		if id != "" && name != "" {
			names[id] = name
		}
	}
}

// elementName returns the name of an element of a definition, or its id
// when it has none (Camunda's elementName). Names are parsed once per
// definition from its stored XML and kept in memory; callers hold m.mu.
func (t *txn) elementName(defKey int64, elementID string) (string, error) {
	names, ok := t.m.names[defKey]
	if !ok {
		xml, found, err := get(t.b, entityKey(kXML, defKey))
		if err != nil {
			return "", err
		}
		if found {
			names = elementNames(xml)
		}
		t.m.names[defKey] = names
	}
	if n, ok := names[elementID]; ok {
		return n, nil
	}
	return elementID, nil
}

// definitionName returns the name of a process definition (nil: it has
// none, or it is not exported yet). A definition never changes, so its name
// is read once and kept in memory: every instance creation needs it, and a
// read of the definition usually misses the memtables. A definition not
// found is not remembered: in a cluster its record may come from another
// partition's log after an instance of it. Callers hold m.mu.
func (t *txn) definitionName(defKey int64) (*string, error) {
	if name, ok := t.m.defNames[defKey]; ok {
		return name, nil
	}
	var def ProcessDefinition
	found, err := getEntity(t.b, entityKey(kDefinition, defKey), &def)
	if err != nil || !found {
		return nil, err
	}
	t.m.defNames[defKey] = def.Name
	return def.Name, nil
}
