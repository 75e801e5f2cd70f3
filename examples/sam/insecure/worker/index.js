const _ = require('lodash');

exports.handler = async (event) => {
  return _.map(event.Records, (r) => r.s3.object.key);
};
