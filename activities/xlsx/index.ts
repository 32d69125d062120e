// Every xlsx the platform reads or writes: import files in, result files, templates and exports out.
export { XlsxOut, ThreadedBooks, neutralise, restoreNeutralised, type OutCell, type OutColumn } from './writer';
export { openXlsx, readSheetRows, COLUMN_MARGIN, type RawCell, type SheetRow, type XlsxLimits } from './reader';
export { ImportFileError } from './fileError';
