CREATE TABLE `_orrery_commit_markers` (
	`namespace` text NOT NULL,
	`commit_id` text NOT NULL,
	`version` integer NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`namespace`, `commit_id`)
);
--> statement-breakpoint
CREATE TABLE `_orrery_commits` (
	`namespace` text NOT NULL,
	`version` integer NOT NULL,
	`seq` integer NOT NULL,
	`table_name` text NOT NULL,
	`doc_id` text NOT NULL,
	`op` text NOT NULL,
	`committed_at` integer NOT NULL,
	PRIMARY KEY(`namespace`, `version`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `_orrery_global_outbox` (
	`namespace` text NOT NULL,
	`id` text NOT NULL,
	`topic` text NOT NULL,
	`payload` text NOT NULL,
	`commit_version` integer NOT NULL,
	`seq` integer NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	PRIMARY KEY(`namespace`, `id`)
);
--> statement-breakpoint
CREATE INDEX `_orrery_global_outbox__by_sent_at` ON `_orrery_global_outbox` (`sent_at`,`namespace`,`commit_version`,`seq`);--> statement-breakpoint
CREATE TABLE `_orrery_jobs` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`args` text NOT NULL,
	`status` text NOT NULL,
	`runAt` real NOT NULL,
	`attempts` real NOT NULL,
	`lastError` text,
	`startedAt` real,
	`completedAt` real,
	`cron` text,
	`cronSpec` text
);
--> statement-breakpoint
CREATE INDEX `_orrery_jobs__by_creation_time` ON `_orrery_jobs` (`_creationTime`,`_id`);--> statement-breakpoint
CREATE INDEX `_orrery_jobs__by_status` ON `_orrery_jobs` (`status`,`runAt`,`_id`);--> statement-breakpoint
CREATE INDEX `_orrery_jobs__by_completed_at` ON `_orrery_jobs` (`completedAt`,`_id`);--> statement-breakpoint
CREATE INDEX `_orrery_jobs__by_status_cron` ON `_orrery_jobs` (`status`,`cron`,`_id`);--> statement-breakpoint
CREATE TABLE `_orrery_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `_orrery_meta` (
	`namespace` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`namespace`, `key`)
);
--> statement-breakpoint
CREATE TABLE `_orrery_outbox` (
	`namespace` text NOT NULL,
	`id` text NOT NULL,
	`topic` text NOT NULL,
	`payload` text NOT NULL,
	`commit_version` integer NOT NULL,
	`seq` integer NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	PRIMARY KEY(`namespace`, `id`)
);
--> statement-breakpoint
CREATE INDEX `_orrery_outbox__by_sent_at` ON `_orrery_outbox` (`namespace`,`sent_at`,`commit_version`,`seq`);--> statement-breakpoint
CREATE TABLE `_orrery_requests` (
	`namespace` text NOT NULL,
	`request_id` text NOT NULL,
	`result` text NOT NULL,
	`commit_version` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`namespace`, `request_id`)
);
--> statement-breakpoint
CREATE INDEX `_orrery_requests__by_created_at` ON `_orrery_requests` (`namespace`,`created_at`);--> statement-breakpoint
CREATE TABLE `counters` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`key` text NOT NULL,
	`value` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `counters__by_creation_time` ON `counters` (`_creationTime`,`_id`);--> statement-breakpoint
CREATE INDEX `counters__by_key` ON `counters` (`key`,`_id`);--> statement-breakpoint
CREATE TABLE `entries` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`_namespace` text NOT NULL,
	`key` text NOT NULL,
	`n` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `entries__by_creation_time` ON `entries` (`_namespace`,`_creationTime`,`_id`);--> statement-breakpoint
CREATE TABLE `rows` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`key` text NOT NULL,
	`n` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rows__by_creation_time` ON `rows` (`_creationTime`,`_id`);