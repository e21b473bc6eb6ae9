-- revision: 0016_page_turned
BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0016_page_turned');
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(80) NOT NULL, 
	action VARCHAR(60) NOT NULL, 
	entity_type VARCHAR(40) NOT NULL, 
	entity_id VARCHAR(80) NOT NULL, 
	"before" JSON, 
	"after" JSON, 
	PRIMARY KEY (id)
);
CREATE TABLE auth_sessions (
	id INTEGER NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	username VARCHAR(80) NOT NULL, 
	client VARCHAR(64), 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (token_hash)
);
CREATE TABLE clauses (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	"index" INTEGER NOT NULL, 
	heading TEXT NOT NULL, 
	text TEXT NOT NULL, 
	page INTEGER NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	labels JSON, 
	corrected BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE decision_log (
	seq INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	kind VARCHAR(10) NOT NULL, 
	actor VARCHAR(80) NOT NULL, 
	action VARCHAR(60) NOT NULL, 
	document_id VARCHAR(40), 
	subject VARCHAR(200), 
	rule VARCHAR(80), 
	policy_version VARCHAR(20), 
	outcome VARCHAR(20), 
	evaluation_id VARCHAR(40), 
	reason TEXT, 
	payload TEXT NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	row_hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (seq), 
	UNIQUE (row_hash)
);
CREATE TABLE decision_log_head (
	id INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	row_hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "decision_log_head" VALUES(1,0,'0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE document_reads (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	owner VARCHAR(120), 
	pages INTEGER NOT NULL, 
	ocr_pages INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE document_stages (
	document_id VARCHAR(40) NOT NULL, 
	stage VARCHAR(20) NOT NULL, 
	done_at DATETIME NOT NULL, 
	PRIMARY KEY (document_id, stage), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE documents (
	id VARCHAR(40) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	filename VARCHAR(500) NOT NULL, 
	media_type VARCHAR(120), 
	size INTEGER NOT NULL, 
	parent_id VARCHAR(40), 
	status VARCHAR(30) NOT NULL, 
	error_code VARCHAR(60), 
	error_message TEXT, 
	doc_type VARCHAR(30), 
	subtype VARCHAR(40), 
	type_confidence FLOAT, 
	type_reasons JSON, 
	model_version VARCHAR(80), 
	pages INTEGER NOT NULL, 
	ocr_pages INTEGER NOT NULL, 
	review_needed BOOLEAN NOT NULL, 
	review_reasons JSON, 
	timings_ms JSON, 
	result JSON, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted_at DATETIME, uploaded_by VARCHAR(80), restricted_to VARCHAR(20), lease_owner VARCHAR(120), lease_until DATETIME, lease_runs INTEGER DEFAULT '0' NOT NULL, versions JSON, 
	PRIMARY KEY (id), 
	FOREIGN KEY(parent_id) REFERENCES documents (id)
);
CREATE TABLE employee_documents (
	id INTEGER NOT NULL, 
	employee_id VARCHAR(40) NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	matched_by VARCHAR(40) NOT NULL, 
	linked_by VARCHAR(80) NOT NULL, 
	linked_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE, 
	FOREIGN KEY(employee_id) REFERENCES employees (id), 
	UNIQUE (document_id)
);
CREATE TABLE employees (
	id VARCHAR(40) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	merged_into VARCHAR(40), 
	employee_number VARCHAR(80), 
	name VARCHAR(300), 
	email VARCHAR(300), 
	phone VARCHAR(60), 
	address TEXT, 
	date_of_birth VARCHAR(10), 
	job_title VARCHAR(300), 
	department VARCHAR(200), 
	manager VARCHAR(300), 
	start_date VARCHAR(10), 
	end_date VARCHAR(10), 
	pay_rate VARCHAR(40), 
	pay_basis VARCHAR(20), 
	filing_status VARCHAR(60), 
	i9_section2_date VARCHAR(10), 
	i9_documents JSON, 
	ssn_last4 VARCHAR(4), 
	sources JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(merged_into) REFERENCES employees (id)
);
CREATE TABLE "fields" (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	name VARCHAR(60) NOT NULL, 
	value JSON NOT NULL, 
	normalized JSON NOT NULL, 
	confidence FLOAT NOT NULL, 
	page INTEGER, 
	bbox JSON, 
	source VARCHAR(200) NOT NULL, 
	corrected BOOLEAN NOT NULL, 
	corrected_by VARCHAR(80), 
	corrected_at DATETIME, 
	original JSON, 
	note TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE, 
	UNIQUE (document_id, name)
);
CREATE TABLE finding_comments (
	id INTEGER NOT NULL, 
	violation_id INTEGER NOT NULL, 
	author VARCHAR(80) NOT NULL, 
	body TEXT NOT NULL, 
	at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(violation_id) REFERENCES violations (id) ON DELETE CASCADE
);
CREATE TABLE goods_receipts (
	id INTEGER NOT NULL, 
	po_number VARCHAR(120) NOT NULL, 
	po_key VARCHAR(120) NOT NULL, 
	line INTEGER, 
	quantity VARCHAR(40) NOT NULL, 
	received_on VARCHAR(10), 
	receipt_number VARCHAR(120), 
	created_by VARCHAR(80) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE intake_channels (
	name VARCHAR(120) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	state VARCHAR(20) NOT NULL, 
	detail TEXT, 
	received INTEGER NOT NULL, 
	failed INTEGER NOT NULL, 
	last_seen_at DATETIME NOT NULL, 
	last_error TEXT, 
	last_error_at DATETIME, 
	PRIMARY KEY (name)
);
CREATE TABLE ledger_entries (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	vendor_id INTEGER, 
	vendor_key VARCHAR(200), 
	vendor_name VARCHAR(300), 
	doc_type VARCHAR(20) NOT NULL, 
	invoice_number VARCHAR(120), 
	invoice_date VARCHAR(10), 
	due_date VARCHAR(10), 
	po_number VARCHAR(120), 
	currency VARCHAR(3), 
	subtotal VARCHAR(40), 
	tax_amount VARCHAR(40), 
	total_amount VARCHAR(40), 
	iban VARCHAR(40), 
	status VARCHAR(20) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, invoice_key VARCHAR(120), 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id), 
	FOREIGN KEY(vendor_id) REFERENCES vendors (id), 
	UNIQUE (document_id)
);
CREATE TABLE login_failures (
	"key" VARCHAR(120) NOT NULL, 
	failures INTEGER NOT NULL, 
	last_failure_at DATETIME NOT NULL, 
	locked_until DATETIME, 
	PRIMARY KEY ("key")
);
CREATE TABLE mailboxes (
	id INTEGER NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	host VARCHAR(300) NOT NULL, 
	port INTEGER NOT NULL, 
	security VARCHAR(20) NOT NULL, 
	username VARCHAR(300) NOT NULL, 
	password_sealed TEXT NOT NULL, 
	folder VARCHAR(300) NOT NULL, 
	from_contains VARCHAR(300), 
	subject_contains VARCHAR(300), 
	"after" VARCHAR(300) NOT NULL, 
	hr BOOLEAN NOT NULL, 
	interval_s INTEGER NOT NULL, 
	active BOOLEAN NOT NULL, 
	last_polled_at DATETIME, 
	created_by VARCHAR(80) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE pages (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	number INTEGER NOT NULL, 
	width FLOAT NOT NULL, 
	height FLOAT NOT NULL, 
	text TEXT NOT NULL, 
	words JSON, 
	ocr BOOLEAN NOT NULL, 
	ocr_engine VARCHAR(30), 
	ocr_confidence FLOAT, turned INTEGER DEFAULT '0' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE, 
	UNIQUE (document_id, number)
);
CREATE TABLE published_files (
	id INTEGER NOT NULL, 
	name VARCHAR(60) NOT NULL, 
	version VARCHAR(64) NOT NULL, 
	content BLOB NOT NULL, 
	manifest JSON, 
	published_by VARCHAR(80) NOT NULL, 
	published_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE purchase_order_lines (
	id INTEGER NOT NULL, 
	po_number VARCHAR(120) NOT NULL, 
	po_key VARCHAR(120) NOT NULL, 
	line INTEGER NOT NULL, 
	vendor_name VARCHAR(300) NOT NULL, 
	vendor_key VARCHAR(200), 
	description TEXT NOT NULL, 
	quantity VARCHAR(40) NOT NULL, 
	unit_price VARCHAR(40) NOT NULL, 
	currency VARCHAR(3), 
	created_by VARCHAR(80) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (po_key, line)
);
CREATE TABLE qa_field_checks (
	id INTEGER NOT NULL, 
	review_id INTEGER NOT NULL, 
	name VARCHAR(60) NOT NULL, 
	first_value TEXT, 
	second_value TEXT, 
	agree BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(review_id) REFERENCES qa_reviews (id) ON DELETE CASCADE, 
	UNIQUE (review_id, name)
);
CREATE TABLE qa_reviews (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	doc_type VARCHAR(30), 
	first_by VARCHAR(80) NOT NULL, 
	first_values JSON NOT NULL, 
	sampled_at DATETIME NOT NULL, 
	reviewer VARCHAR(80), 
	reviewed_at DATETIME, 
	outcome VARCHAR(20), 
	finding_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE review_tasks (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	queue VARCHAR(20) NOT NULL, 
	reasons JSON NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	doc_type VARCHAR(30), 
	created_at DATETIME NOT NULL, 
	closed_at DATETIME, 
	closed_by VARCHAR(80), leased_by VARCHAR(80), lease_until DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE saved_searches (
	id INTEGER NOT NULL, 
	username VARCHAR(80) NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	params JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username, name)
);
CREATE TABLE status_history (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	status VARCHAR(30) NOT NULL, 
	actor VARCHAR(80) NOT NULL, 
	note TEXT, 
	at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE type_feedback (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	doc_type VARCHAR(30) NOT NULL, 
	subtype VARCHAR(40), 
	predicted_type VARCHAR(30), 
	actor VARCHAR(80) NOT NULL, 
	at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE users (
	id INTEGER NOT NULL, 
	username VARCHAR(80) NOT NULL, 
	password_hash VARCHAR(300) NOT NULL, 
	roles JSON NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);
CREATE TABLE vendors (
	id INTEGER NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	tax_id VARCHAR(60), 
	ibans JSON NOT NULL, 
	hints JSON, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE ("key")
);
CREATE TABLE violations (
	id INTEGER NOT NULL, 
	document_id VARCHAR(40) NOT NULL, 
	rule VARCHAR(80) NOT NULL, 
	severity VARCHAR(10) NOT NULL, 
	message TEXT NOT NULL, 
	policy_version VARCHAR(20) NOT NULL, 
	evidence JSON, 
	status VARCHAR(20) NOT NULL, 
	resolved_by VARCHAR(80), 
	resolved_at DATETIME, 
	note TEXT, resolution VARCHAR(20), assigned_to VARCHAR(80), created_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE webhook_deliveries (
	id VARCHAR(40) NOT NULL, 
	webhook_id INTEGER NOT NULL, 
	event VARCHAR(60) NOT NULL, 
	document_id VARCHAR(40), 
	payload JSON NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	last_status_code INTEGER, 
	last_error TEXT, 
	created_at DATETIME NOT NULL, 
	delivered_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(webhook_id) REFERENCES webhooks (id)
);
CREATE TABLE webhooks (
	id INTEGER NOT NULL, 
	url VARCHAR(2000) NOT NULL, 
	secret VARCHAR(128) NOT NULL, 
	events JSON NOT NULL, 
	hr BOOLEAN NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_by VARCHAR(80) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_audit_entity ON audit_log (entity_type, entity_id);
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE INDEX ix_documents_doc_type ON documents (doc_type);
CREATE INDEX ix_documents_parent_id ON documents (parent_id);
CREATE UNIQUE INDEX ix_documents_sha256 ON documents (sha256);
CREATE INDEX ix_documents_status ON documents (status);
CREATE INDEX ix_clauses_document_id ON clauses (document_id);
CREATE INDEX ix_ledger_entries_invoice_number ON ledger_entries (invoice_number);
CREATE INDEX ix_ledger_entries_status ON ledger_entries (status);
CREATE INDEX ix_ledger_entries_vendor_key ON ledger_entries (vendor_key);
CREATE INDEX ix_review_tasks_document_id ON review_tasks (document_id);
CREATE INDEX ix_review_tasks_queue ON review_tasks (queue);
CREATE INDEX ix_review_tasks_status ON review_tasks (status);
CREATE INDEX ix_status_history_document_id ON status_history (document_id);
CREATE INDEX ix_violations_document_id ON violations (document_id);
CREATE INDEX ix_violations_rule ON violations (rule);
CREATE INDEX ix_documents_restricted_to ON documents (restricted_to);
CREATE INDEX ix_decision_log_document_id ON decision_log (document_id);
CREATE INDEX ix_decision_log_evaluation_id ON decision_log (evaluation_id);
CREATE TRIGGER decision_log_no_update BEFORE UPDATE ON decision_log BEGIN SELECT RAISE(ABORT, 'decision_log is append-only'); END;
CREATE TRIGGER decision_log_no_delete BEFORE DELETE ON decision_log BEGIN SELECT RAISE(ABORT, 'decision_log is append-only'); END;
CREATE UNIQUE INDEX uq_ledger_booked_invoice ON ledger_entries (vendor_key, invoice_key) WHERE status IN ('approved', 'paid');
CREATE INDEX ix_auth_sessions_username ON auth_sessions (username);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_webhook_id ON webhook_deliveries (webhook_id);
CREATE INDEX ix_webhook_deliveries_document_id ON webhook_deliveries (document_id);
CREATE INDEX ix_employees_department ON employees (department);
CREATE INDEX ix_employees_email ON employees (email);
CREATE INDEX ix_employees_employee_number ON employees (employee_number);
CREATE INDEX ix_employees_status ON employees (status);
CREATE INDEX ix_employee_documents_employee_id ON employee_documents (employee_id);
CREATE INDEX ix_violations_assigned_to ON violations (assigned_to);
CREATE INDEX ix_finding_comments_violation_id ON finding_comments (violation_id);
CREATE INDEX ix_purchase_order_lines_po_key ON purchase_order_lines (po_key);
CREATE INDEX ix_purchase_order_lines_vendor_key ON purchase_order_lines (vendor_key);
CREATE INDEX ix_goods_receipts_po_key ON goods_receipts (po_key);
CREATE INDEX ix_qa_reviews_document_id ON qa_reviews (document_id);
CREATE INDEX ix_qa_reviews_kind ON qa_reviews (kind);
CREATE INDEX ix_qa_reviews_status ON qa_reviews (status);
CREATE INDEX ix_qa_field_checks_review_id ON qa_field_checks (review_id);
CREATE INDEX ix_saved_searches_username ON saved_searches (username);
CREATE INDEX ix_published_files_name ON published_files (name);
CREATE INDEX ix_document_reads_document_id ON document_reads (document_id);
COMMIT;
