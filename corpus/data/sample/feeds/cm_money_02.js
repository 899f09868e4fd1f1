data_callback([]);
