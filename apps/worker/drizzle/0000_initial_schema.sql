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
CREATE TABLE `counters` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`name` text NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `counters__by_creation_time` ON `counters` (`_creationTime`,`_id`);--> statement-breakpoint
CREATE INDEX `counters__by_name` ON `counters` (`name`,`_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`_namespace` text NOT NULL,
	`customer` text NOT NULL,
	`total` real NOT NULL,
	`status` text NOT NULL,
	`legacyId` text
);
--> statement-breakpoint
CREATE INDEX `orders__by_creation_time` ON `orders` (`_namespace`,`_creationTime`,`_id`);--> statement-breakpoint
CREATE INDEX `orders__by_customer` ON `orders` (`_namespace`,`customer`,`_id`);--> statement-breakpoint
CREATE INDEX `orders__by_legacy_id` ON `orders` (`_namespace`,`legacyId`,`_id`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`list` text NOT NULL,
	`text` text NOT NULL,
	`done` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tasks__by_creation_time` ON `tasks` (`_creationTime`,`_id`);--> statement-breakpoint
CREATE INDEX `tasks__by_list` ON `tasks` (`list`,`_id`);