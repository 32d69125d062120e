/**
 * Uploaded files are judged by their first bytes, never by their name or the browser's
 * claimed type. Office documents are zip (xlsx/docx) or OLE (xls/doc) containers.
 */
export type FileKind = 'pdf' | 'jpg' | 'png' | 'zip' | 'ole';

export function sniff(data: Buffer): FileKind | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf';
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'zip';
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'ole';
  return null;
}

export const MIME: Record<FileKind, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  png: 'image/png',
  zip: 'application/zip',
  ole: 'application/x-ole-storage',
};

/** Licences and scans: PDF, JPG, PNG. */
export const SCAN_KINDS: FileKind[] = ['pdf', 'jpg', 'png'];
/** Training attachments: PDF, Office documents, images. */
export const DOCUMENT_KINDS: FileKind[] = ['pdf', 'jpg', 'png', 'zip', 'ole'];

export function checkKind(data: Buffer, allowed: FileKind[]): { kind: FileKind; mime: string } | null {
  const kind = sniff(data);
  if (!kind || !allowed.includes(kind)) return null;
  return { kind, mime: MIME[kind] };
}
