package audit

// ActivityBeleid is the processing activity of the self-assessment against
// the Kader and the action plan (issue 6): the only personal data are the
// names of owners of building blocks and actions and of who changed them;
// changes are logged for the trail the council relies on.
const ActivityBeleid = "urn:baken:verwerking:beleidsmonitoring"
