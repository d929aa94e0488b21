DROP TABLE packing_tasks;
