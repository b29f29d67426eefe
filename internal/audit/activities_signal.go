package audit

// ActivitySignalering is the processing activity of signals (issue 4):
// recording, routing, reading and triaging signals of possible human
// trafficking (special categories of personal data, AVG art. 9, and possibly
// criminal data, UAVG art. 10).
const ActivitySignalering = "urn:baken:verwerking:signalering"

// Subject id types of signals (dpl.core.data_subject_id_type).
const (
	SubjectSignal       = "baken-signal-id"        // a signal without persons: the signal id
	SubjectSignalPerson = "baken-signal-person-id" // a person in a signal: their pseudonym id
)
