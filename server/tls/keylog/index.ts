export { parseKeylog, secretsFor, KEYLOG_LABELS, type Keylog, type KeylogLabel, type ConnectionSecrets, type KeylogLineError } from './keylog-parse.js'
export { KeylogRecorder } from './keylog-recorder.js'
