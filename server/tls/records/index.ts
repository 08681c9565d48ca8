export { RecordSplitter, splitRecords, encodeRecord, type RecordSplitterOptions, type SplitResult } from './record-splitter.js'
export { ContentType, MAX_RECORD_PAYLOAD, RECORD_HEADER_LENGTH, contentTypeName, type TlsRecord, type RecordError, type RecordErrorCode } from './record-types.js'
