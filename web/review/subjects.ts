import type { AppDeps } from '../../app/deps';
import type { ReviewKind, ReviewStatus } from '../../workflows/messages/review';

/**
 * What the reviewer's detail page shows for each kind of review item. An area whose
 * workflow uses the shared review step registers its kind once, at module load of its
 * routes file:
 *
 *   registerReviewSubject('class_declaration', {
 *     loadDetail: async (deps, item) => ({            // item: the review_items row, see ReviewItem
 *       fields: [{ label: '培训班名称', value: cls.name }, ...],   // shown in order
 *       attachments: [{ fileId, name, size }],          // viewable/downloadable by the reviewer
 *     }),
 *     template: 'classes/_review_subject.njk',          // optional; included with `detail` and `item`
 *     subjectStatus: async (deps, subjectId) => cls.status,      // optional: for the auditor's
 *     expectedStatus: { pending: 'pending', approved: 'approved', rejected: 'rejected', withdrawn: 'withdrawn' },
 *   });                                                          //   consistency page
 *
 * Attachments listed by loadDetail are the only files the workbench serves for the item,
 * read within the item's institution. A kind nobody registered shows its title only.
 */
export interface ReviewItem {
  id: number;
  kind: ReviewKind;
  workflowId: string;
  round: number;
  subjectId: number;
  institutionId: number;
  orgId: number;
  title: string;
  status: ReviewStatus;
  overdue: boolean;
  submittedAt: Date;
  decidedAt: Date | null;
  decidedBy: number | null;
  reason: string | null;
}

export interface SubjectDetail {
  fields: Array<{ label: string; value: string | number | null }>;
  attachments: Array<{ fileId: string; name: string; size: number }>;
  /** Anything extra a kind's own template wants. */
  extra?: Record<string, unknown>;
}

export interface ReviewSubject {
  loadDetail(deps: AppDeps, item: ReviewItem): Promise<SubjectDetail | null>;
  /**
   * What of the detail is kept as the decided round's snapshot; default all of it. A kind
   * drops what is personal data kept elsewhere anyway (e.g. trainees' ID numbers).
   */
  snapshot?(detail: SubjectDetail): SubjectDetail;
  template?: string;
  subjectStatus?(deps: AppDeps, subjectId: number): Promise<string | null>;
  expectedStatus?: Partial<Record<ReviewStatus, string>>;
}

export const KIND_LABELS: Record<ReviewKind, string> = {
  institution: '继续教育机构申请',
  class_declaration: '培训班申报',
  base: '继续教育基地申请',
  annual_review: '年审报告',
};
export const KIND_OPTIONS = (Object.keys(KIND_LABELS) as ReviewKind[]).map((k) => ({ value: k, label: KIND_LABELS[k] }));

const registry = new Map<ReviewKind, ReviewSubject>();

export function registerReviewSubject(kind: ReviewKind, subject: ReviewSubject): void {
  registry.set(kind, subject);
}

export const reviewSubject = (kind: ReviewKind): ReviewSubject | undefined => registry.get(kind);

export const DEFAULT_SUBJECT_TEMPLATE = 'review/_subject.njk';

export const toReviewItem = (r: Record<string, any>): ReviewItem => ({
  id: r.id,
  kind: r.kind,
  workflowId: r.workflow_id,
  round: r.round,
  subjectId: r.subject_id,
  institutionId: r.institution_id,
  orgId: r.org_id,
  title: r.title,
  status: r.status,
  overdue: r.overdue,
  submittedAt: r.submitted_at,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
  reason: r.reason,
});
