CREATE TABLE `_orrery_commit_markers` (
	`namespace` text NOT NULL,
	`commit_id` text NOT NULL,
	`version` integer NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`namespace`, `commit_id`)
);
