-- Tasks made before sign-in have no owner: the empty string is no user's subject (a token's `sub` is never
-- empty), so no one reaches them.
CREATE TABLE `later_tasks` (
	`_id` text PRIMARY KEY NOT NULL,
	`_creationTime` real NOT NULL,
	`_version` integer NOT NULL,
	`owner` text NOT NULL,
	`list` text NOT NULL,
	`text` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `later_tasks__by_creation_time` ON `later_tasks` (`_creationTime`,`_id`);--> statement-breakpoint
DROP INDEX `tasks__by_list`;--> statement-breakpoint
ALTER TABLE `tasks` ADD `owner` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `tasks__by_owner_list` ON `tasks` (`owner`,`list`,`_id`);