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
CREATE TABLE `_orrery_meta` (
	`namespace` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`namespace`, `key`)
);
--> statement-breakpoint
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
CREATE TABLE `notes` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`board` text NOT NULL,
	`text` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notes__by_creation_time` ON `notes` (`_creationTime`,`_id`);--> statement-breakpoint
CREATE INDEX `notes__by_board` ON `notes` (`board`,`_id`);