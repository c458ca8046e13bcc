package record

import (
	"encoding/json"
	"fmt"
)

// CommandDistributionRecord is the value of COMMAND_DISTRIBUTION records
// (Zeebe's CommandDistributionRecord): a command of one partition sent to
// the others. PartitionID is the sending partition on STARTED and FINISHED,
// the receiving one on DISTRIBUTING, ACKNOWLEDGE and ACKNOWLEDGED.
// CommandValue is set on STARTED only (the state keeps it once for all
// receivers).
type CommandDistributionRecord struct {
	PartitionID int32 `json:"partitionId"`
	// CommandValueType is the distributed command's value type (Zeebe's
	// valueType; the field name would clash with the ValueType method).
	CommandValueType ValueType `json:"valueType"`
	Intent           Intent    `json:"intent"`
	CommandValue     Value     `json:"commandValue"`
}

func (v *CommandDistributionRecord) encodeTo(e *Encoder) {
	e.Int(int64(v.PartitionID))
	e.String(string(v.CommandValueType))
	e.String(string(v.Intent))
	if v.CommandValue == nil {
		e.Bool(false)
		return
	}
	bv, ok := v.CommandValue.(binaryValue)
	if !ok || v.CommandValue.ValueType() != v.CommandValueType {
		e.Err = fmt.Errorf("record: command distribution: value %T does not match value type %s", v.CommandValue, v.CommandValueType)
		e.Bool(false)
		return
	}
	e.Bool(true)
	bv.encodeTo(e)
}

func (v *CommandDistributionRecord) decodeFrom(d *Decoder) {
	v.PartitionID = d.Int32()
	v.CommandValueType = ValueType(d.Name())
	v.Intent = Intent(d.Name())
	if !d.Bool() {
		return
	}
	cv := NewValue(v.CommandValueType)
	if cv == nil {
		d.fail()
		return
	}
	cv.(binaryValue).decodeFrom(d)
	v.CommandValue = cv
}

// UnmarshalJSON chooses the command value's struct by valueType.
func (v *CommandDistributionRecord) UnmarshalJSON(b []byte) error {
	var aux struct {
		PartitionID  int32           `json:"partitionId"`
		ValueType    ValueType       `json:"valueType"`
		Intent       Intent          `json:"intent"`
		CommandValue json.RawMessage `json:"commandValue"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*v = CommandDistributionRecord{PartitionID: aux.PartitionID, CommandValueType: aux.ValueType, Intent: aux.Intent}
	if len(aux.CommandValue) == 0 || string(aux.CommandValue) == "null" {
		return nil
	}
	cv := NewValue(aux.ValueType)
	if cv == nil {
		return fmt.Errorf("record: command distribution: unknown value type %q", aux.ValueType)
	}
	if err := json.Unmarshal(aux.CommandValue, cv); err != nil {
		return fmt.Errorf("record: command distribution value: %w", err)
	}
	v.CommandValue = cv
	return nil
}
