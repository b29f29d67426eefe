package audit

// ActivityZorgcoordinatie is the processing activity of cases (issue 5): care
// coordination of a (presumed) victim of human trafficking from registration
// to aftercare — shelter, reflection period, national registration, support
// (special categories of personal data, AVG art. 9, criminal data, UAVG
// art. 10, and the BSN).
const ActivityZorgcoordinatie = "urn:baken:verwerking:zorgcoordinatie"

// SubjectCaseClient is the data subject id type of a case's client: the case
// id is the client's pseudonym id (the client's name never enters the log).
const SubjectCaseClient = "baken-case-id"
