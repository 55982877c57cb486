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
CREATE TABLE `order_events` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`messageId` text NOT NULL,
	`orderId` text NOT NULL,
	`customer` text NOT NULL,
	`total` real NOT NULL,
	`status` text NOT NULL,
	`publishedAt` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_events__by_creation_time` ON `order_events` (`_creationTime`,`_id`);--> statement-breakpoint
CREATE INDEX `order_events__by_message_id` ON `order_events` (`messageId`,`_id`);--> statement-breakpoint
CREATE INDEX `order_events__by_order` ON `order_events` (`orderId`,`_id`);